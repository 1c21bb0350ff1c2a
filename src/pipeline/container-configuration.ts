import { Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { RuntimeSettings, SecretReference } from '../shared/runtime-configuration';

/**
 * A secret that ECS reads by ARN when a task starts. Reading it is granted on exactly that ARN (the
 * `-??????` suffix pattern for a partial Secrets Manager ARN), with the one action that ECS needs;
 * aws-cdk-lib's own secrets would also grant DescribeSecret or the other SSM reads.
 */
class ReferencedSecret extends ecs.Secret {
  public readonly arn: string;
  public readonly hasField?: boolean;

  constructor(private readonly reference: SecretReference) {
    super();
    this.arn = reference.valueFrom;
    this.hasField = reference.jsonKey || undefined;
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: [this.reference.action], resourceArns: [this.reference.resourceArn] });
  }
}

/**
 * The container's plain variables and secrets, as `addContainer` takes them: the container grants
 * its execution role the reading of each secret. With a KMS key named and at least one secret, the
 * execution role may decrypt with that key too; without secrets it reads nothing.
 */
export function containerConfiguration(runtime: RuntimeSettings, taskDefinition: ecs.TaskDefinition): Pick<ecs.ContainerDefinitionOptions, 'environment' | 'secrets'> {
  if (runtime.secretsKeyArn !== undefined && runtime.secrets.length > 0) {
    taskDefinition.obtainExecutionRole().addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [runtime.secretsKeyArn] }));
  }
  if (Object.keys(runtime.environment).length > 0) {
    Validations.of(taskDefinition.node.defaultChild!).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The variables are the plain configuration that the options name (environment); secrets go through Secrets Manager or SSM references (secrets), never into the template.',
    });
  }
  return {
    environment: { ...runtime.environment },
    secrets: Object.fromEntries(runtime.secrets.map((s) => [s.name, new ReferencedSecret(s)])),
  };
}
