import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CicdServiceProps } from './cicd-service-props';
import { LOG_RETENTION_DAYS, NEVER_EXPIRE } from '../shared/hardening-settings';
import { integerOption, InvalidOptionError, resolveServiceSettings, ServiceSettings } from '../shared/service-settings';

/** `CicdServiceProps` validated, with every default applied. */
export interface ResolvedCicdService {
  readonly settings: ServiceSettings;
  readonly imagesToKeep: number;
  readonly artifactRetentionDays: number;
  readonly targetCpuUtilization: number;
  /** The retention of the pipeline stack's log groups. */
  readonly logRetention: logs.RetentionDays;
  /** The retention of each environment's log groups, by the environment's name. */
  readonly environmentLogRetention: Record<string, logs.RetentionDays>;
  readonly buildComputeType: codebuild.ComputeType;
  readonly sourceEncryptionKey?: kms.IKey;
  readonly imageEncryptionKey?: kms.IKey;
}

/** Validates `props` (any value may come from JavaScript, Python or Java) and applies the defaults. */
export function resolveCicdService(props: CicdServiceProps): ResolvedCicdService {
  const p = (props ?? {}) as unknown as Record<string, unknown>;
  const settings = resolveServiceSettings(p);
  const cdkRetention = cdkLogRetention(p);
  if (settings.source && props.sourceEncryptionKey !== undefined) {
    // The key would encrypt a CodeCommit repository that a connection source does not create.
    throw new InvalidOptionError('sourceEncryptionKey', props.sourceEncryptionKey, 'no key when source names a connection\'s repository (the key is for the CodeCommit repository)');
  }
  return {
    settings,
    imagesToKeep: integerOption('imagesToKeep', p.imagesToKeep, 20, 1, 1000),
    artifactRetentionDays: integerOption('artifactRetentionDays', p.artifactRetentionDays, 30, 1, 3650),
    targetCpuUtilization: integerOption('targetCpuUtilization', p.targetCpuUtilization, 60, 10, 90),
    logRetention: cdkRetention ?? retentionOf(settings.logRetentionDays),
    environmentLogRetention: Object.fromEntries(settings.environments.map((e, i) => {
      const own = Array.isArray(p.environments) ? (p.environments[i] as Record<string, unknown>).logRetentionDays : undefined;
      return [e.name, own === undefined && cdkRetention !== undefined ? cdkRetention : retentionOf(e.logRetentionDays)];
    })),
    buildComputeType: props.buildComputeType ?? codebuild.ComputeType.SMALL,
    sourceEncryptionKey: props.sourceEncryptionKey,
    imageEncryptionKey: props.imageEncryptionKey,
  };
}

/** A `logRetentionDays` value as aws-cdk-lib takes it. */
export function retentionOf(days: number): logs.RetentionDays {
  return days === NEVER_EXPIRE ? logs.RetentionDays.INFINITE : days as logs.RetentionDays;
}

/**
 * The CDK-only `logRetention`, validated: it stands for the service's `logRetentionDays` (an
 * environment's own `logRetentionDays` still applies) and stays out of the settings, which the
 * generated repository's options alone make.
 */
function cdkLogRetention(p: Record<string, unknown>): logs.RetentionDays | undefined {
  const retention = p.logRetention;
  if (retention === undefined) return undefined;
  if (p.logRetentionDays !== undefined) {
    throw new InvalidOptionError('logRetention', retention, 'no value when logRetentionDays is set (both set the same retention)');
  }
  if (retention !== logs.RetentionDays.INFINITE && !LOG_RETENTION_DAYS.includes(retention as number)) {
    throw new InvalidOptionError('logRetention', retention, 'a logs.RetentionDays value');
  }
  return retention as logs.RetentionDays;
}
