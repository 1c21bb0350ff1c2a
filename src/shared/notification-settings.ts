import { RegionInfo } from 'aws-cdk-lib/region-info';
import { InvalidOptionError } from './service-settings';

/** `notifications`, validated. */
export interface NotificationSettings {
  readonly emails: string[];
  /** The existing topic to use, when the options name one. */
  readonly topicArn?: string;
  /** Name of the topic that the pipeline's stack creates when `topicArn` is not set. */
  readonly topicName: string;
}

const MAX_EMAILS = 20;
// A pragmatic address check: one @, a local part without spaces or quotes, a domain of dot-separated
// labels (letters, digits, inner hyphens) ending in a top-level domain of letters.
const EMAIL = /^[A-Za-z0-9.!#$%&*+/=?^_{|}~-]+@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
// A standard topic: CodeStar Notifications and CloudWatch alarm actions do not publish to FIFO topics.
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):([0-9]{12}):([A-Za-z0-9_-]{1,256})$/;

/** Validates `notifications`; the topic must be in the pipeline's account and region where the options name them. */
export function resolveNotifications(input: unknown,
  service: { serviceName: string; pipelineAccount?: string; pipelineRegion?: string }): NotificationSettings {
  const topicName = `${service.serviceName}-notifications`;
  if (input === undefined) return { emails: [], topicName };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError('notifications', input, 'an object { emails?, topicArn? }');
  }
  const given = input as Record<string, unknown>;
  const unknownKey = Object.keys(given).find((k) => k !== 'emails' && k !== 'topicArn' && given[k] !== undefined);
  if (unknownKey) throw new InvalidOptionError(`notifications.${unknownKey}`, given[unknownKey], 'one of emails, topicArn');
  return { emails: emails(given.emails), topicArn: topicArn(given.topicArn, service), topicName };
}

function emails(input: unknown): string[] {
  if (input === undefined) return [];
  if (!Array.isArray(input) || input.length > MAX_EMAILS) {
    throw new InvalidOptionError('notifications.emails', input, `a list of at most ${MAX_EMAILS} e-mail addresses`);
  }
  const seen = new Set<string>();
  return input.map((address: unknown, i) => {
    if (typeof address !== 'string' || address.length > 254 || !EMAIL.test(address)) {
      throw new InvalidOptionError(`notifications.emails[${i}]`, address, 'an e-mail address such as "team@example.com"');
    }
    if (seen.has(address.toLowerCase())) throw new InvalidOptionError(`notifications.emails[${i}]`, address, 'an address that is not listed twice');
    seen.add(address.toLowerCase());
    return address;
  });
}

function topicArn(input: unknown, service: { pipelineAccount?: string; pipelineRegion?: string }): string | undefined {
  if (input === undefined) return undefined;
  const allowed = 'the ARN of a standard SNS topic, "arn:aws:sns:<region>:<account>:<name>"';
  const m = typeof input === 'string' ? TOPIC_ARN.exec(input) : null;
  if (!m || !RegionInfo.regions.some((r) => r.name === m[1])) throw new InvalidOptionError('notifications.topicArn', input, allowed);
  if (service.pipelineRegion !== undefined && m[1] !== service.pipelineRegion) {
    throw new InvalidOptionError('notifications.topicArn', input, `a topic in the pipeline's region ("${service.pipelineRegion}")`);
  }
  if (service.pipelineAccount !== undefined && m[2] !== service.pipelineAccount) {
    throw new InvalidOptionError('notifications.topicArn', input, `a topic in the pipeline's account ("${service.pipelineAccount}")`);
  }
  return input as string;
}
