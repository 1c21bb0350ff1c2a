import * as fs from 'fs';
import * as path from 'path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { newestNodeRuntime } from './node-runtime';

/** The handlers' folder: `src/pipeline/handlers` in the sources, `lib/pipeline/handlers` once compiled. */
const HANDLERS_DIR = path.join(__dirname, 'handlers');

/** Properties of `PipelineFunction`. */
export interface PipelineFunctionProps {
  /** The exported function of `handlers/index.js` that handles the invocation. */
  readonly handler: string;
  /** What the function does. */
  readonly description: string;
  /** Retention of the function's log group. */
  readonly logRetention: logs.RetentionDays;
  /** How long one invocation may run. @default Duration.minutes(1) */
  readonly timeout?: Duration;
  /** The file of `handlers/` that holds the handler. @default "index.js" */
  readonly handlerFile?: string;
  /** Whether CodePipeline invokes the function, which then reports its job's result. @default true */
  readonly reportsToPipeline?: boolean;
  /** Environment variables of the function. @default - none */
  readonly environment?: Record<string, string>;
  /** The VPC to run in, in its public subnets (no internet: only what the VPC reaches). @default - outside any VPC */
  readonly vpc?: ec2.IVpc;
  /** The security groups of the function in `vpc`. @default - a group that aws-cdk-lib creates */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A Lambda function that a pipeline action invokes, with its own role and log group. The code is
 * inlined into the template, so the stack has no asset and the pipeline can deploy its synthesized
 * template as it is. It runs on the newest Node.js runtime that the installed aws-cdk-lib lists.
 */
export class PipelineFunction extends Construct {
  /** The function. */
  public readonly function: lambda.Function;
  /** The function's role: only its log group and what the caller grants. */
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    // The class is the default, stated: a log group that never expires would otherwise have no
    // property at all, which the Control Tower retention rule (cfn-guard) fails.
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention, logGroupClass: logs.LogGroupClass.STANDARD, removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    logGroup.grantWrite(this.role);
    // CodePipeline's job results support no resource-level permissions.
    if (props.reportsToPipeline ?? true) {
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['codepipeline:PutJobSuccessResult', 'codepipeline:PutJobFailureResult'],
        resources: ['*'],
      }));
    }
    this.function = new lambda.Function(this, 'Function', {
      runtime: newestNodeRuntime(lambda.Runtime.ALL),
      code: lambda.Code.fromInline(fs.readFileSync(path.join(HANDLERS_DIR, props.handlerFile ?? 'index.js'), 'utf-8')),
      handler: `index.${props.handler}`,
      description: props.description,
      role: this.role,
      logGroup,
      timeout: props.timeout ?? Duration.minutes(1),
      memorySize: 256,
      environment: props.environment,
      vpc: props.vpc,
      securityGroups: props.securityGroups,
      // The function only reaches addresses in its VPC, which public subnets without a NAT allow.
      vpcSubnets: props.vpc ? { subnetType: ec2.SubnetType.PUBLIC } : undefined,
      allowPublicSubnet: props.vpc ? true : undefined,
    });
  }
}
