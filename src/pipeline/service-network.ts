import { Annotations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CREATED_VPC_ZONES, ExistingVpcSettings, NetworkSettings } from '../shared/network-settings';

/** Properties of `ServiceNetwork`. */
export interface ServiceNetworkProps {
  /** The environment's network, validated. */
  readonly network: NetworkSettings;
  /** Where the flow log of a VPC that the stack creates goes (prefix `vpc-flow-logs/`). */
  readonly flowLogBucket: s3.IBucket;
}

/**
 * The network of an environment's load balancer and tasks: a VPC that the stack creates (public
 * subnets in two Availability Zones; with private tasks, private subnets and one NAT gateway or one
 * per zone) with a flow log of its rejected traffic, or an existing VPC imported from its IDs (no
 * lookup, nothing created). The load balancer always sits in the public subnets.
 *
 * It adds the VPC to `scope` under the id `Vpc` rather than being a construct of its own, so that
 * the resources of a created VPC keep the logical IDs they had before this class existed.
 */
export class ServiceNetwork {
  /** The VPC. */
  public readonly vpc: ec2.IVpc;
  /** The subnets of the tasks. */
  public readonly taskSubnets: ec2.SubnetSelection;
  /** The subnets of the load balancer: the public ones. */
  public readonly loadBalancerSubnets: ec2.SubnetSelection;
  /** Whether the tasks get public IP addresses (they do in public subnets, which have no NAT). */
  public readonly assignPublicIp: boolean;
  /** Whether the tasks run in private subnets. */
  public readonly privateTasks: boolean;

  constructor(scope: Construct, props: ServiceNetworkProps) {
    const network = props.network;
    this.privateTasks = network.taskSubnets === 'private';
    this.assignPublicIp = !this.privateTasks;
    this.loadBalancerSubnets = { subnetType: ec2.SubnetType.PUBLIC };
    this.taskSubnets = { subnetType: this.privateTasks ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC };
    this.vpc = network.vpc ? importVpc(scope, network.vpc) : this.createVpc(scope, network, props.flowLogBucket);
  }

  private createVpc(scope: Construct, network: NetworkSettings, flowLogBucket: s3.IBucket): ec2.Vpc {
    const vpc = new ec2.Vpc(scope, 'Vpc', {
      maxAzs: CREATED_VPC_ZONES,
      natGateways: network.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        ...(this.privateTasks ? [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }] : []),
      ],
      // Nothing uses the default security group; restricting it would add a custom resource.
      restrictDefaultSecurityGroup: false,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toS3(flowLogBucket, 'vpc-flow-logs/'),
      // Rejected connections only: they are the ones worth auditing, and they keep the log small.
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });
    return vpc;
  }
}

/** The existing VPC, imported from its IDs. */
function importVpc(scope: Construct, attributes: ExistingVpcSettings): ec2.IVpc {
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: attributes.vpcId,
    availabilityZones: attributes.availabilityZones,
    publicSubnetIds: attributes.publicSubnetIds,
    privateSubnetIds: attributes.privateSubnetIds,
  });
  // The load balancer and the service name subnets only; a route table ID would be needed by
  // what adds routes (a gateway endpoint), which nothing here does.
  Annotations.of(vpc).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'Nothing reads the route tables of the existing subnets');
  return vpc;
}
