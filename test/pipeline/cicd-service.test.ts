import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CicdService } from '../../src';
import { InvalidOptionError } from '../../src/shared/service-settings';
import { defaultService, only, synthesizeService, SynthesizedService, threeServices } from '../support/service-stacks';

const svc = threeServices();

function stages(s: SynthesizedService): any[] {
  return only(s.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.Stages;
}

function action(s: SynthesizedService, stage: string, name: string): any {
  const found = stages(s).find((st) => st.Name === stage)?.Actions.find((a: any) => a.Name === name);
  if (!found) throw new Error(`no action ${stage}/${name}`);
  return found;
}

describe('the stacks of the service', () => {
  test('default: the pipeline stack and one stack per environment, staging then production', () => {
    expect(svc.base.all.map((s) => s.stack.stackName)).toEqual(['orders-pipeline', 'orders-staging', 'orders-production']);
    expect(svc.base.environments.map((e) => e.stack._environment.requireApproval)).toEqual([false, true]);
    // Environment-agnostic: synth needs no credentials, deploy goes where the credentials point.
    for (const s of svc.base.all) expect(s.stack.resolve(s.stack.account)).toEqual({ Ref: 'AWS::AccountId' });
  });

  test('resource counts: the pipeline stack and each environment\'s', () => {
    const counts = svc.base.all.map((s) => [s.stack.stackName, Object.keys(s.json.Resources).length]);
    // The pipeline's: 5 for notifications (topic, key, topic policy, notification rule, the approval's role), 24 for the
    // pull request builds and the scheduled upgrade (its failures' notification rule included); each environment's: 5 alarms and a dashboard.
    // Production's canary deployment adds the alternate target group, the listener rules, the test
    // listener, the hook's two functions and their roles (test/pipeline/deployment-strategy.test.ts).
    expect(counts).toEqual([['orders-pipeline', 73], ['orders-staging', 38], ['orders-production', 56]]);
  });

  test('one environment is a one-line change, and three run in their order', () => {
    const one = synthesizeService({ serviceName: 'orders', environments: [{ name: 'production' }] });
    expect(one.all.map((s) => s.stack.stackName)).toEqual(['orders-pipeline', 'orders-production']);
    expect(stages(one).map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'production']);
    expect(svc.custom.environments.map((e) => e.stack.stackName)).toEqual(['billing-api-test', 'billing-api-staging', 'billing-api-production']);
  });

  test('the stacks do not refer to each other: each deploys on its own, by name', () => {
    for (const s of svc.base.all) {
      expect([s.stack.stackName, s.stack.dependencies.map((d) => d.stackName)]).toEqual([s.stack.stackName, []]);
      expect(JSON.stringify(s.json)).not.toContain('Fn::ImportValue');
    }
  });

  test('no stack has a file or image asset: the pipeline deploys the synthesized templates as they are', () => {
    for (const s of [...svc.base.all, ...svc.cross.all]) {
      const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(s.templateFile), `${s.stack.artifactId}.assets.json`), 'utf-8'));
      const files = Object.values<any>(manifest.files ?? {}).filter((f) => !f.source.path.endsWith('.template.json'));
      expect([s.stack.stackName, files, manifest.dockerImages ?? {}]).toEqual([s.stack.stackName, [], {}]);
    }
  });

  test('synthesizing twice gives byte-identical templates', () => {
    const again = defaultService();
    for (const [a, b] of svc.base.all.map((s, i) => [s, again.all[i]])) {
      expect(fs.readFileSync(b.templateFile, 'utf-8')).toBe(fs.readFileSync(a.templateFile, 'utf-8'));
    }
  });

  test('every physical name differs between environments', () => {
    // Inline policy names are unique per role only, not per account; an alarm's MetricName names its metric, not the alarm.
    const names = (json: any) => Object.values<any>(json.Resources).filter((r) => r.Type !== 'AWS::IAM::Policy').flatMap((r) => Object.entries<any>(r.Properties ?? {})
      .filter(([k, v]) => k.endsWith('Name') && k !== 'MetricName' && typeof v === 'string').map(([k, v]) => `${r.Type}.${k}=${v}`));
    const [staging, production] = svc.base.environments.map((e) => names(e.json));
    expect(staging.length).toBeGreaterThan(4);
    expect(staging.filter((n) => production.includes(n))).toEqual([]);
  });

  test('an invalid option throws before a stack is added, naming the element and field', () => {
    const app = new App();
    expect(() => new CicdService(app, { serviceName: 'orders', environments: [{ name: 'staging' }, { name: 'prod', account: '12345' }] }))
      .toThrow(new InvalidOptionError('environments[1].account', '12345', 'an AWS account ID of 12 digits'));
    expect(app.node.children).toHaveLength(0);
  });
});

describe('the pipeline', () => {
  test('stages in order: source, build, self-update, then each environment', () => {
    expect(stages(svc.base).map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'staging', 'Approve-production', 'production']);
    const pipeline = only(svc.base.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties;
    expect(pipeline.PipelineType).toBe('V2');
    // A pipeline that its self-update changed starts again on its new definition.
    expect(pipeline.RestartExecutionOnUpdate).toBe(true);
  });

  test('each environment: approval where set, tag, stack, rollout, verification, record, in that order', () => {
    const order = (stage: string) => stages(svc.base).find((s) => s.Name === stage).Actions
      .map((a: any) => [a.RunOrder, a.Name, a.ActionTypeId.Provider]);
    expect(order('staging')).toEqual([
      [2, 'PinImage', 'Lambda'], [3, 'DeployStack', 'CloudFormation'], [4, 'Rollout', 'ECS'], [5, 'Verify', 'Lambda'], [6, 'RecordImage', 'Lambda'],
    ]);
    expect(order('Approve-production')).toEqual([[1, 'Approve', 'Manual']]);
    expect(order('production')).toEqual(order('staging'));
  });

  test('the approval links to the previous environment, where the change runs', () => {
    const approve = action(svc.base, 'Approve-production', 'Approve').Configuration;
    expect(approve.ExternalEntityLink).toBe('#{staging-stack.ServiceUrl}');
    expect(approve.CustomData).toContain('#{Build.IMAGE_TAG}');
  });

  test('the stacks are deployed from this commit\'s templates, with the bootstrap roles of their environment', () => {
    const self = action(svc.base, 'UpdatePipeline', 'SelfUpdate');
    expect(self.Configuration).toEqual(expect.objectContaining({
      ActionMode: 'CREATE_UPDATE',
      StackName: 'orders-pipeline',
      TemplatePath: 'Build::cdk.out/orders-pipeline.template.json',
      Capabilities: 'CAPABILITY_NAMED_IAM,CAPABILITY_AUTO_EXPAND',
      RoleArn: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-cfn-exec-role-${AWS::AccountId}-${AWS::Region}' },
    }));
    expect(self.RoleArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/cdk-hnb659fds-deploy-role-${AWS::AccountId}-${AWS::Region}' });
    const stack = action(svc.base, 'staging', 'DeployStack');
    expect(stack.Configuration).toEqual(expect.objectContaining({ StackName: 'orders-staging', TemplatePath: 'Build::cdk.out/orders-staging.template.json' }));
    expect(stack.Namespace).toBe('staging-stack');
    // The paths name files that the synth writes.
    for (const s of [svc.base, svc.custom, svc.cross]) {
      for (const a of stages(s).flatMap((st) => st.Actions).filter((x: any) => x.ActionTypeId.Provider === 'CloudFormation')) {
        const file = a.Configuration.TemplatePath.replace(/^Build::cdk\.out\//, '');
        expect(fs.existsSync(path.join(s.outdir, file))).toBe(true);
      }
    }
  });

  test('the rollout deploys imagedefinitions.json to the environment\'s service with the environment\'s role', () => {
    const rollout = action(svc.base, 'production', 'Rollout');
    // 60 minutes for production's canary deployment, the action's longest (staging's rolling update: 30).
    expect(rollout.Configuration).toEqual({ ClusterName: 'orders-production', ServiceName: 'orders-production', FileName: 'imagedefinitions.json', DeploymentTimeout: 60 });
    expect(action(svc.base, 'staging', 'Rollout').Configuration.DeploymentTimeout).toBe(30);
    expect(rollout.InputArtifacts).toEqual([{ Name: 'Build' }]);
    expect(rollout.RoleArn).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-production-ecs-deploy' });
  });

  test('the verification asks the environment\'s URL for the health path and this commit\'s version', () => {
    const params = JSON.parse(action(svc.custom, 'production', 'Verify').Configuration.UserParameters);
    expect(params).toEqual({ url: '#{production-stack.ServiceUrl}/status/ready', expectedVersion: '#{Build.IMAGE_TAG}' });
  });

  test('the environment\'s tag is created if missing before the stack, and moved after the verification', () => {
    // The repository name is a reference, so the parameters are an Fn::Join around the JSON.
    const pin = JSON.stringify(action(svc.base, 'staging', 'PinImage').Configuration.UserParameters);
    const record = JSON.stringify(action(svc.base, 'staging', 'RecordImage').Configuration.UserParameters);
    for (const part of ['repositoryName', 'ImageRepository', 'sourceTag\\":\\"#{Build.IMAGE_TAG}', 'targetTag\\":\\"env-staging']) {
      expect(pin).toContain(part);
      expect(record).toContain(part);
    }
    expect(pin).toContain('onlyIfMissing\\":true');
    expect(record).toContain('onlyIfMissing\\":false');
    expect(action(svc.base, 'Build', 'BuildAndPush').Namespace).toBe('Build');
  });

  test('cross-account: the other account\'s bootstrap roles, the environment\'s deploy role, and a KMS-encrypted artifact store', () => {
    const stack = action(svc.cross, 'production', 'DeployStack');
    expect(stack.RoleArn).toBe('arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
    expect(stack.Configuration.RoleArn).toBe('arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-west-1');
    expect(action(svc.cross, 'production', 'Rollout').RoleArn).toBe('arn:aws:iam::222222222222:role/orders-production-ecs-deploy');
    expect(action(svc.cross, 'staging', 'Rollout').RoleArn).toBe('arn:aws:iam::111111111111:role/orders-staging-ecs-deploy');
    const stores = only(svc.cross.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.ArtifactStores;
    expect(stores.map((s: any) => s.ArtifactStore.EncryptionKey.Type)).toEqual(['KMS']);
  });
});
