import { EnvironmentSettings } from '../shared/service-settings';

/**
 * List prices used for the operating guide's cost table: US East (N. Virginia), Linux/x86, on
 * demand, as AWS publishes them. They are estimates for a reader, not a bill.
 */
export const LIST_PRICES_USD = {
  /** Fargate, per vCPU-hour. */
  fargateVcpuHour: 0.04048,
  /** Fargate, per GB-hour. */
  fargateGbHour: 0.004445,
  /** Application Load Balancer, per hour, before capacity units. */
  loadBalancerHour: 0.0225,
  /** A public IPv4 address, per hour. */
  publicIpv4Hour: 0.005,
  /** A NAT gateway, per hour, before the data it processes (0.045 USD per GB). */
  natGatewayHour: 0.045,
  /** A customer-managed KMS key, per month, before its requests (0.03 USD per 10,000). */
  kmsKeyMonth: 1,
  /** An interface VPC endpoint, per Availability Zone and hour, before the data it processes (0.01 USD per GB). */
  interfaceEndpointHour: 0.01,
} as const;

/** Hours in an average month, as AWS's monthly estimates count them. */
const HOURS_PER_MONTH = 730;

/** The idle monthly cost of one environment, line by line, in USD rounded to cents. */
export interface EnvironmentCost {
  readonly name: string;
  /** The environment's tasks at their desired count. */
  readonly tasks: string;
  /** The load balancer's hourly charge (capacity units come on top with traffic). */
  readonly loadBalancer: string;
  /**
   * Public IPv4 addresses: the load balancer's (one per Availability Zone), one per task when the
   * tasks are public, one per NAT gateway.
   */
  readonly publicIpv4: string;
  /** Public IPv4 addresses counted. */
  readonly publicIpv4Count: number;
  /** Which addresses were counted, in words ("the load balancer's two and one per task"). */
  readonly publicIpv4Detail: string;
  /** The hourly charge of the NAT gateways that the stack creates. */
  readonly natGateways: string;
  /** NAT gateways that the stack creates. */
  readonly natGatewayCount: number;
  /** The sum of the lines above. */
  readonly total: string;
}

/** The idle monthly cost of `environment` at its desired count. */
export function environmentCost(environment: EnvironmentSettings): EnvironmentCost {
  const perTaskHour = (environment.cpu / 1024) * LIST_PRICES_USD.fargateVcpuHour + (environment.memory / 1024) * LIST_PRICES_USD.fargateGbHour;
  const tasks = perTaskHour * environment.desiredCount * HOURS_PER_MONTH;
  const loadBalancer = LIST_PRICES_USD.loadBalancerHour * HOURS_PER_MONTH;
  const network = environment.network;
  const publicTasks = network.taskSubnets === 'public' ? environment.desiredCount : 0;
  const natGatewayCount = network.natGateways;
  // Each NAT gateway holds an Elastic IP address, which is charged like any public IPv4 address.
  const publicIpv4Count = network.zoneCount + publicTasks + natGatewayCount;
  const publicIpv4 = publicIpv4Count * LIST_PRICES_USD.publicIpv4Hour * HOURS_PER_MONTH;
  const natGateways = natGatewayCount * LIST_PRICES_USD.natGatewayHour * HOURS_PER_MONTH;
  const usd = (n: number) => n.toFixed(2);
  return {
    name: environment.name,
    tasks: usd(tasks),
    loadBalancer: usd(loadBalancer),
    publicIpv4: usd(publicIpv4),
    publicIpv4Count,
    publicIpv4Detail: addressesInWords(network.zoneCount, publicTasks > 0, natGatewayCount),
    natGateways: usd(natGateways),
    natGatewayCount,
    total: usd(tasks + loadBalancer + natGateways + publicIpv4),
  };
}

const NUMBERS = ['none', 'one', 'two', 'three', 'four', 'five', 'six'];

function addressesInWords(loadBalancer: number, publicTasks: boolean, natGateways: number): string {
  const parts = [`the load balancer's ${NUMBERS[loadBalancer]}`];
  if (publicTasks) parts.push('one per task');
  if (natGateways > 0) parts.push(natGateways === 1 ? 'the NAT gateway\'s one' : 'one per NAT gateway');
  return parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * The interface endpoints that private tasks would need instead of a NAT gateway: ECR's API and
 * registry, CloudWatch Logs and Secrets Manager (S3, where ECR keeps the layers, has a free gateway
 * endpoint).
 */
export const STRICT_INTERFACE_ENDPOINTS = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager'] as const;

/** The monthly hourly charges of the two ways out of the private subnets of a created VPC, in USD rounded to cents. */
export interface PrivateEgressCost {
  /** One NAT gateway and its Elastic IP address (what the stacks create). */
  readonly natGateway: string;
  /** The interface endpoints of `STRICT_INTERFACE_ENDPOINTS`, one per Availability Zone each. */
  readonly interfaceEndpoints: string;
  /** Availability Zones counted. */
  readonly zones: number;
}

/** What the two ways out of private subnets cost per environment and month, before the data they process. */
export function privateEgressCost(zones = 2): PrivateEgressCost {
  const nat = (LIST_PRICES_USD.natGatewayHour + LIST_PRICES_USD.publicIpv4Hour) * HOURS_PER_MONTH;
  const endpoints = STRICT_INTERFACE_ENDPOINTS.length * zones * LIST_PRICES_USD.interfaceEndpointHour * HOURS_PER_MONTH;
  return { natGateway: nat.toFixed(2), interfaceEndpoints: endpoints.toFixed(2), zones };
}
