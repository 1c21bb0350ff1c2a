import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CicdServiceProps } from './cicd-service-props';
import { integerOption, resolveServiceSettings, ServiceSettings } from '../shared/service-settings';

/** `CicdServiceProps` validated, with every default applied. */
export interface ResolvedCicdService {
  readonly settings: ServiceSettings;
  readonly imagesToKeep: number;
  readonly artifactRetentionDays: number;
  readonly targetCpuUtilization: number;
  readonly logRetention: logs.RetentionDays;
  readonly buildComputeType: codebuild.ComputeType;
  readonly sourceEncryptionKey?: kms.IKey;
  readonly imageEncryptionKey?: kms.IKey;
}

/** Validates `props` (any value may come from JavaScript, Python or Java) and applies the defaults. */
export function resolveCicdService(props: CicdServiceProps): ResolvedCicdService {
  const p = (props ?? {}) as unknown as Record<string, unknown>;
  return {
    settings: resolveServiceSettings(p),
    imagesToKeep: integerOption('imagesToKeep', p.imagesToKeep, 20, 1, 1000),
    artifactRetentionDays: integerOption('artifactRetentionDays', p.artifactRetentionDays, 30, 1, 3650),
    targetCpuUtilization: integerOption('targetCpuUtilization', p.targetCpuUtilization, 60, 10, 90),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    buildComputeType: props.buildComputeType ?? codebuild.ComputeType.SMALL,
    sourceEncryptionKey: props.sourceEncryptionKey,
    imageEncryptionKey: props.imageEncryptionKey,
  };
}
