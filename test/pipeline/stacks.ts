import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { CicdPipelineStack, CicdPipelineStackProps } from '../../src';

/** A synthesized stack, its template as JSON (nonce normalized) and the directory of the assembly. */
export interface Synthesized {
  readonly stack: CicdPipelineStack;
  readonly template: Template;
  readonly json: any;
  readonly outdir: string;
}

/** Stands in for the nonce of the ServiceImage custom resource, which changes on every synth. */
export const NONCE = '<nonce>';

/** Synthesizes a CicdPipelineStack in a fresh app, with the given props. */
export function synthesize(props: CicdPipelineStackProps): Synthesized {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-pipeline-'));
  const app = new App({ outdir });
  const stack = new CicdPipelineStack(app, 'x', props);
  const template = Template.fromStack(stack);
  return { stack, template, json: normalize(template.toJSON()), outdir };
}

/** The template with the nonce of the ServiceImage custom resource replaced by `NONCE`. */
export function normalize(json: any): any {
  const copy = JSON.parse(JSON.stringify(json));
  for (const resource of Object.values<any>(copy.Resources ?? {})) {
    if (resource.Type === 'Custom::ServiceImage') resource.Properties.Nonce = NONCE;
  }
  return copy;
}

/** The stack with every default. */
export function defaultStack(): Synthesized {
  return synthesize({ serviceName: 'orders' });
}

/**
 * Every optional prop set to something other than its default, in an environment; the VPC and the
 * keys come from another stack ("shared") of the same app, as they would in an organisation's account.
 */
export function customizedProps(app: App): CicdPipelineStackProps {
  const env = { account: '123456789012', region: 'eu-west-1' };
  const shared = new Stack(app, 'shared', { env });
  const vpc = new ec2.Vpc(shared, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }],
  });
  return {
    env,
    serviceName: 'billing-api',
    containerPort: 3000,
    healthCheckPath: '/status/ready',
    cpu: 1024,
    memory: 4096,
    desiredCount: 2,
    maxCount: 6,
    branch: 'release/v2',
    buildImage: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
    vpc,
    sourceEncryptionKey: new kms.Key(shared, 'SourceKey', { enableKeyRotation: true }),
    imageEncryptionKey: new kms.Key(shared, 'ImageKey', { enableKeyRotation: true }),
    imagesToKeep: 5,
    buildComputeType: codebuild.ComputeType.MEDIUM,
    logRetention: logs.RetentionDays.ONE_WEEK,
    certificate: acm.Certificate.fromCertificateArn(shared, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012'),
    artifactRetentionDays: 7,
    targetCpuUtilization: 50,
  };
}

/** The stack with `customizedProps`, synthesized with the currently recommended feature flags. */
export function customizedStack(): Synthesized {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-pipeline-')), context: { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } });
  const stack = new CicdPipelineStack(app, 'x', customizedProps(app));
  const template = Template.fromStack(stack);
  return { stack, template, json: normalize(template.toJSON()), outdir: app.outdir };
}
