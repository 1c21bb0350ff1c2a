import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CicdServiceProps } from './cicd-service-props';
import { integerOption, InvalidOptionError, resolveServiceSettings, ServiceSettings } from '../shared/service-settings';

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
  const settings = resolveServiceSettings(p);
  if (settings.source && props.sourceEncryptionKey !== undefined) {
    // The key would encrypt a CodeCommit repository that a connection source does not create.
    throw new InvalidOptionError('sourceEncryptionKey', props.sourceEncryptionKey, 'no key when source names a connection\'s repository (the key is for the CodeCommit repository)');
  }
  return {
    settings,
    imagesToKeep: integerOption('imagesToKeep', p.imagesToKeep, 20, 1, 1000),
    artifactRetentionDays: integerOption('artifactRetentionDays', p.artifactRetentionDays, 30, 1, 3650),
    targetCpuUtilization: integerOption('targetCpuUtilization', p.targetCpuUtilization, 60, 10, 90),
    logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    buildComputeType: props.buildComputeType ?? codebuild.ComputeType.SMALL,
    sourceEncryptionKey: props.sourceEncryptionKey,
    imageEncryptionKey: props.imageEncryptionKey,
  };
}
