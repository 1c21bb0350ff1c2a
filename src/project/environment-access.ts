import { EnvironmentSettings } from '../shared/service-settings';

/** How an environment is reached and where its tasks run, in words for the operating guide. */
export interface EnvironmentAccess {
  /** The URL of the environment, as its stack outputs it (`ServiceUrl`). */
  readonly url: string;
  /** Where the tasks run. */
  readonly taskNetwork: string;
}

/** How `environment` is reached and where its tasks run. */
export function environmentAccess(environment: EnvironmentSettings): EnvironmentAccess {
  const domain = environment.domain;
  const url = domain
    ? `https://${domain.domainName}`
    : `${environment.certificateArn ? 'https' : 'http'}://<load balancer DNS name>`;
  const network = environment.network;
  const vpc = network.vpc ? `the existing VPC \`${network.vpc.vpcId}\`` : 'the stack\'s VPC';
  const nat = network.vpc ? 'its own routes' : network.natGateways === 1 ? 'one NAT gateway' : `${network.natGateways} NAT gateways, one per zone`;
  const taskNetwork = network.taskSubnets === 'private'
    ? `private subnets of ${vpc}, no public IP addresses, out through ${nat}`
    : `public subnets of ${vpc}, a public IP address per task`;
  return { url, taskNetwork };
}
