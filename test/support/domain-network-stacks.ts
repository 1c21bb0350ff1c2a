import { CicdServiceProps, ExistingVpcOptions } from '../../src';

/** A hosted zone, as `domain` names it. */
export const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com' } as const;

/** An existing VPC in eu-west-1 with public and private subnets in two zones. */
export const EXISTING_VPC: ExistingVpcOptions = {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetIds: ['subnet-0a0a0a0a0a0a0a0a1', 'subnet-0a0a0a0a0a0a0a0a2'],
  privateSubnetIds: ['subnet-0b0b0b0b0b0b0b0b1', 'subnet-0b0b0b0b0b0b0b0b2'],
};

/**
 * Four environments, one shape each: a domain with a requested certificate and private tasks
 * behind a NAT gateway per zone (the service-wide network); the zone apex with a given certificate
 * and one NAT gateway; an existing VPC with private tasks; public tasks (the default network).
 */
export const DOMAIN_NETWORK_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  pipelineAccount: '123456789012',
  pipelineRegion: 'eu-west-1',
  network: { taskSubnets: 'private', natGateways: 'per-zone' },
  environments: [
    { name: 'staging', domain: { ...ZONE, recordName: 'orders.staging' } },
    {
      name: 'production',
      requireApproval: true,
      certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      domain: { ...ZONE, recordName: '@' },
      network: { taskSubnets: 'private', natGateways: 'one' },
    },
    { name: 'shared', network: { taskSubnets: 'private', vpc: EXISTING_VPC } },
    { name: 'public', network: { taskSubnets: 'public' } },
  ],
};
