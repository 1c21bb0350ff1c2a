import { DomainOptions } from './service-options';
import { InvalidOptionError } from './service-settings';

/** An environment's domain, validated: the option's fields and the full name they make. */
export interface DomainSettings {
  readonly hostedZoneId: string;
  readonly zoneName: string;
  /** The record name relative to the zone, `@` for the apex. */
  readonly recordName: string;
  /** The full name: `<recordName>.<zoneName>`, or `zoneName` for the apex. */
  readonly domainName: string;
  /** Whether the stack requests a certificate for `domainName` (no `certificateArn` was given). */
  readonly requestCertificate: boolean;
}

const DOMAIN_KEYS = ['hostedZoneId', 'zoneName', 'recordName'];
// Route 53 zone IDs: "Z" and uppercase letters and digits (the "/hostedzone/" prefix of some APIs left out).
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
// One DNS label as a host name allows it (RFC 1123), lowercase: ACM and Route 53 store names lowercase.
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** The apex of the zone, as zone files write it. */
export const ZONE_APEX = '@';
const MAX_NAME = 253;
// RFC 5280: a certificate's common name, which ACM fills with the requested name, has at most 64 characters.
const MAX_CERTIFICATE_NAME = 64;

function labels(value: string): boolean {
  return value.split('.').every((l) => LABEL.test(l));
}

/**
 * Validates `domain` of an environment (`at` is `environments[i]`). `certificateArn` decides the
 * longest full name: a requested certificate allows 64 characters, a given one 253.
 */
export function resolveDomain(at: string, value: unknown, certificateArn: string | undefined): DomainSettings | undefined {
  if (value === undefined) return undefined;
  const option = `${at}.domain`;
  const shape = 'an object { hostedZoneId, zoneName, recordName }';
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidOptionError(option, value, shape);
  const d = value as Record<string, unknown>;
  const unknownKey = Object.keys(d).find((k) => !DOMAIN_KEYS.includes(k) && d[k] !== undefined);
  if (unknownKey) throw new InvalidOptionError(`${option}.${unknownKey}`, d[unknownKey], `one of the domain's fields: ${DOMAIN_KEYS.join(', ')}`);

  const hostedZoneId = d.hostedZoneId;
  if (typeof hostedZoneId !== 'string' || !HOSTED_ZONE_ID.test(hostedZoneId)) {
    throw new InvalidOptionError(`${option}.hostedZoneId`, hostedZoneId,
      'the ID of a Route 53 hosted zone: "Z" and 1 to 31 uppercase letters and digits, without "/hostedzone/" (for example "Z0123456789ABCDEFGHIJ")');
  }
  const zoneName = d.zoneName;
  if (typeof zoneName !== 'string' || zoneName.length > MAX_NAME || !labels(zoneName) || !zoneName.includes('.') || !/^[a-z]/.test(zoneName.split('.').pop()!)) {
    throw new InvalidOptionError(`${option}.zoneName`, zoneName,
      `the name of the hosted zone: at most ${MAX_NAME} characters, two or more labels of lowercase letters, digits and inner hyphens (1 to 63 each), without the final dot (for example "example.com")`);
  }
  const recordName = d.recordName;
  const allowedRecord = `a name relative to the zone "${zoneName}": "${ZONE_APEX}" for the zone apex, or labels of lowercase letters, digits and inner hyphens (1 to 63 each), for example "orders" for orders.${zoneName}`;
  if (typeof recordName !== 'string' || (recordName !== ZONE_APEX && (recordName.length > MAX_NAME || !labels(recordName)))) {
    throw new InvalidOptionError(`${option}.recordName`, recordName, allowedRecord);
  }
  // A full name here would become <name>.<zone>.<zone>: almost certainly a mistake.
  if (recordName === zoneName || recordName.endsWith(`.${zoneName}`)) {
    throw new InvalidOptionError(`${option}.recordName`, recordName, `${allowedRecord} (the zone's name is added to it)`);
  }
  const domainName = recordName === ZONE_APEX ? zoneName : `${recordName}.${zoneName}`;
  const requestCertificate = certificateArn === undefined;
  const longest = requestCertificate ? MAX_CERTIFICATE_NAME : MAX_NAME;
  if (domainName.length > longest) {
    throw new InvalidOptionError(`${option}.recordName`, recordName, `a full name ("${domainName}") of at most ${longest} characters${requestCertificate
      ? ' (the longest name an ACM certificate\'s common name takes; give certificateArn for a longer one)' : ''}`);
  }
  return { hostedZoneId, zoneName, recordName, domainName, requestCertificate };
}

/** Rejects a full name that two environments share: each stack would create the same record. */
export function checkDomainsUnique(environments: ReadonlyArray<{ readonly domain?: DomainSettings }>): void {
  const seen = new Map<string, number>();
  environments.forEach((e, i) => {
    if (e.domain === undefined) return;
    const first = seen.get(e.domain.domainName);
    if (first !== undefined) {
      throw new InvalidOptionError(`environments[${i}].domain.recordName`, e.domain.recordName,
        `a name that no other environment has (environments[${first}] is ${e.domain.domainName} too)`);
    }
    seen.set(e.domain.domainName, i);
  });
}

/** `domain` as `.projenrc.ts` gave it, with its fields in the order `DomainOptions` declares them. */
export function domainOptionsInOrder(domain: DomainOptions | undefined): DomainOptions | undefined {
  return domain && { hostedZoneId: domain.hostedZoneId, zoneName: domain.zoneName, recordName: domain.recordName };
}
