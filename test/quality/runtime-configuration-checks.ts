import { isDeepStrictEqual } from 'util';
import { EnvironmentOptions, ServiceOptions } from '../../src';
import { containerSecrets, secretReads } from '../support/iam-walk';

/** The entries of `over`'s maps replace those of `base` by name, whichever map (variables or secrets) they were in. */
function merged(base: ServiceOptions, over: EnvironmentOptions): { environment: Record<string, string>; secrets: Record<string, string> } {
  const environment: Record<string, string> = { ...base.environment };
  const secrets: Record<string, string> = { ...base.secrets };
  for (const [name, value] of Object.entries(over.environment ?? {})) {
    environment[name] = value;
    delete secrets[name];
  }
  for (const [name, value] of Object.entries(over.secrets ?? {})) {
    secrets[name] = value;
    delete environment[name];
  }
  return { environment, secrets };
}

/**
 * Where an environment's stack disagrees with its options on the container's variables and
 * secrets, the execution role's KMS grant, and ECS Exec (the service, the cluster's session log,
 * the task role's channels). Empty when they agree.
 */
export function runtimeProblems(service: ServiceOptions, e: EnvironmentOptions, template: any): string[] {
  const out: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected)) out.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  };
  const resources = Object.values<any>(template.Resources);
  const container = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition')?.Properties.ContainerDefinitions?.[0] ?? {};
  const expected = merged(service, e);
  expectSame('container environment', Object.fromEntries((container.Environment ?? []).map((v: any) => [v.Name, v.Value])), expected.environment);
  expectSame('container secrets', Object.fromEntries((container.Secrets ?? []).map((v: any) => [v.Name, v.ValueFrom])), expected.secrets);
  expectSame('secret references', containerSecrets(template).length, Object.keys(expected.secrets).length);
  const key = e.secretsKeyArn ?? service.secretsKeyArn;
  const decrypts = secretReads(template).filter((r) => r.action === 'kms:Decrypt').map((r) => r.resource);
  expectSame('execution role kms:Decrypt', decrypts, key !== undefined && Object.keys(expected.secrets).length > 0 ? [key] : []);

  const exec = e.enableExecuteCommand ?? service.enableExecuteCommand ?? false;
  const ecsService = resources.find((r) => r.Type === 'AWS::ECS::Service')?.Properties ?? {};
  expectSame('ECS Exec on the service', ecsService.EnableExecuteCommand ?? false, exec);
  const logging = resources.find((r) => r.Type === 'AWS::ECS::Cluster')?.Properties.Configuration?.ExecuteCommandConfiguration;
  const logGroupId = logging?.LogConfiguration?.CloudWatchLogGroupName?.Ref;
  expectSame('ECS Exec session log', template.Resources[logGroupId]?.Properties.LogGroupName, exec ? `${logGroupName(template)}/exec` : undefined);
  const channels = JSON.stringify(template).includes('ssmmessages:CreateControlChannel');
  expectSame('ECS Exec channels granted', channels, exec);
  return out;
}

/** The name of the log group of the container's logs. */
function logGroupName(template: any): string | undefined {
  const task = Object.values<any>(template.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const id = task?.Properties.ContainerDefinitions?.[0]?.LogConfiguration?.Options?.['awslogs-group']?.Ref;
  return template.Resources[id]?.Properties.LogGroupName;
}
