import { Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { DomainSettings } from '../shared/domain-settings';

/** Properties of `ServiceDomain`. */
export interface ServiceDomainProps {
  /** The environment's domain, validated. */
  readonly domain: DomainSettings;
  /** A certificate to use rather than requesting one. */
  readonly certificateArn?: string;
  /** The load balancer that the name points at. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
}

/**
 * An environment's domain name: the hosted zone from its ID and name (no lookup, so synthesis needs
 * no credentials), a certificate for the name (requested from ACM and validated through a record
 * that CloudFormation writes into the zone, unless one is given), and an alias A record to the load
 * balancer. No AAAA record: the load balancer has IPv4 addresses only.
 */
export class ServiceDomain extends Construct {
  /** The certificate for the HTTPS listener. */
  public readonly certificate: acm.ICertificate;
  /** `https://` and the domain name. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: ServiceDomainProps) {
    super(scope, id);
    const { domain } = props;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: domain.hostedZoneId, zoneName: domain.zoneName });
    this.certificate = props.certificateArn
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn)
      : new acm.Certificate(this, 'Certificate', { domainName: domain.domainName, validation: acm.CertificateValidation.fromDns(zone) });
    new route53.ARecord(this, 'AliasRecord', {
      zone,
      // Fully qualified (final dot), so that aws-cdk-lib adds nothing to it.
      recordName: `${domain.domainName}.`,
      target: route53.RecordTarget.fromAlias(new targets.LoadBalancerTarget(props.loadBalancer)),
      comment: `The load balancer of ${Stack.of(this).stackName}`,
    });
    this.url = `https://${domain.domainName}`;
  }
}
