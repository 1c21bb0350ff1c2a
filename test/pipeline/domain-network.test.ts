import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CicdService } from '../../src';
import { synthNagFindings } from '../support/cdk-nag';
import { cfnLintErrors } from '../support/cfn-lint';
import { DOMAIN_NETWORK_PROPS, EXISTING_VPC } from '../support/domain-network-stacks';
import { iamViolations } from '../support/iam-walk';
import { defaultService, only, resourcesOfType, SynthesizedService, synthesizeService } from '../support/service-stacks';

let s: SynthesizedService;
beforeAll(() => {
  s = synthesizeService(DOMAIN_NETWORK_PROPS);
});

const stack = (name: string) => s.environments.find((e) => e.stack._environment.name === name)!.json;
const listeners = (json: any) => resourcesOfType(json, 'AWS::ElasticLoadBalancingV2::Listener').map(([, l]) => l.Properties);
const ref = (id: string) => ({ Ref: id });

describe('a domain', () => {
  test('a certificate for the full name, validated through the hosted zone', () => {
    const [id, certificate] = only(stack('staging'), 'AWS::CertificateManager::Certificate');
    expect(certificate.Properties).toEqual(expect.objectContaining({
      DomainName: 'orders.staging.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'orders.staging.example.com', HostedZoneId: 'Z0123456789ABCDEFGHIJ' }],
    }));
    const https = listeners(stack('staging')).find((l) => l.Port === 443);
    expect(https.Certificates).toEqual([{ CertificateArn: ref(id) }]);
  });

  test('an alias A record to the load balancer, and no AAAA record', () => {
    const json = stack('staging');
    const [lb] = only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const records = resourcesOfType(json, 'AWS::Route53::RecordSet').map(([, r]) => r.Properties);
    expect(records).toEqual([expect.objectContaining({
      Name: 'orders.staging.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0123456789ABCDEFGHIJ',
      AliasTarget: expect.objectContaining({ DNSName: expect.objectContaining({ 'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [lb, 'DNSName'] }]] }) }),
    })]);
    expect(only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.IpAddressType).not.toBe('dualstack');
  });

  test('HTTPS on 443 with the current TLS policy, HTTP redirected to it, both open to the internet', () => {
    const json = stack('staging');
    const [https, http] = [443, 80].map((port) => listeners(json).find((l) => l.Port === port));
    expect(https.Protocol).toBe('HTTPS');
    expect(https.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
    expect(https.DefaultActions[0].Type).toBe('forward');
    expect(http.DefaultActions).toEqual([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    const [, sg] = resourcesOfType(json, 'AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('LoadBalancerSecurityGroup'))!;
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => [r.CidrIp, r.FromPort])).toEqual([['0.0.0.0/0', 80], ['0.0.0.0/0', 443]]);
  });

  test('the URL is the name: the stack output, and so the approval\'s link and the verification', () => {
    expect(stack('staging').Outputs.ServiceUrl.Value).toBe('https://orders.staging.example.com');
    expect(stack('production').Outputs.ServiceUrl.Value).toBe('https://example.com');
    const stages = only(s.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.Stages;
    const approve = stages.find((st: any) => st.Name === 'Approve-production').Actions.find((a: any) => a.Name === 'Approve');
    expect(approve.Configuration.ExternalEntityLink).toBe('#{staging-stack.ServiceUrl}');
  });

  test('the zone apex, with a given certificate: no certificate requested, the given one on the listener', () => {
    const json = stack('production');
    expect(resourcesOfType(json, 'AWS::CertificateManager::Certificate')).toEqual([]);
    const given = DOMAIN_NETWORK_PROPS.environments![1].certificateArn;
    expect(listeners(json).find((l) => l.Port === 443).Certificates).toEqual([{ CertificateArn: given }]);
    expect(only(json, 'AWS::Route53::RecordSet')[1].Properties.Name).toBe('example.com.');
  });

  test('without a domain: no certificate, no record; a certificate ARN alone keeps the load balancer\'s name', () => {
    for (const name of ['shared', 'public']) {
      expect(resourcesOfType(stack(name), 'AWS::Route53::RecordSet')).toEqual([]);
      expect(resourcesOfType(stack(name), 'AWS::CertificateManager::Certificate')).toEqual([]);
    }
    const arnOnly = synthesizeService({
      serviceName: 'orders',
      environments: [{ name: 'production', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' }],
    }).environments[0].json;
    expect(JSON.stringify(arnOnly.Outputs.ServiceUrl.Value)).toMatch(/^\{"Fn::Join":\["",\["https:\/\/",\{"Fn::GetAtt":\["LoadBalancer/);
    expect(resourcesOfType(arnOnly, 'AWS::Route53::RecordSet')).toEqual([]);
  });
});

describe('networks', () => {
  const subnetsOf = (json: any, kind: 'Public' | 'Private') => resourcesOfType(json, 'AWS::EC2::Subnet')
    .filter(([, r]) => r.Properties.Tags.some((t: any) => t.Key === 'aws-cdk:subnet-type' && t.Value === kind)).map(([id]) => ref(id));
  const serviceNetwork = (json: any) => only(json, 'AWS::ECS::Service')[1].Properties.NetworkConfiguration.AwsvpcConfiguration;
  const loadBalancerSubnets = (json: any) => only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.Subnets;

  test('private tasks with a NAT gateway per zone (the service-wide network): no public IP, private subnets', () => {
    const json = stack('staging');
    expect(resourcesOfType(json, 'AWS::EC2::NatGateway')).toHaveLength(2);
    expect(subnetsOf(json, 'Private')).toHaveLength(2);
    expect(serviceNetwork(json).AssignPublicIp).toBe('DISABLED');
    expect(serviceNetwork(json).Subnets).toEqual(subnetsOf(json, 'Private'));
    expect(loadBalancerSubnets(json)).toEqual(subnetsOf(json, 'Public'));
    // Each private subnet routes to the internet through a NAT gateway.
    const natRoutes = resourcesOfType(json, 'AWS::EC2::Route').filter(([, r]) => r.Properties.NatGatewayId);
    expect(natRoutes).toHaveLength(2);
    expect(resourcesOfType(json, 'AWS::EC2::FlowLog')).toHaveLength(1);
  });

  test('an environment\'s network replaces the service\'s: one NAT gateway', () => {
    const json = stack('production');
    expect(resourcesOfType(json, 'AWS::EC2::NatGateway')).toHaveLength(1);
    expect(serviceNetwork(json).AssignPublicIp).toBe('DISABLED');
    expect(serviceNetwork(json).Subnets).toEqual(subnetsOf(json, 'Private'));
    // Both private subnets route through the one gateway.
    expect(resourcesOfType(json, 'AWS::EC2::Route').filter(([, r]) => r.Properties.NatGatewayId)).toHaveLength(2);
  });

  test('an existing VPC: no VPC, subnet, NAT gateway or flow log; its subnets referenced by ID', () => {
    const json = stack('shared');
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::EC2::FlowLog', 'AWS::EC2::InternetGateway', 'AWS::EC2::RouteTable']) {
      expect([type, resourcesOfType(json, type)]).toEqual([type, []]);
    }
    expect(serviceNetwork(json).Subnets).toEqual(EXISTING_VPC.privateSubnetIds);
    expect(serviceNetwork(json).AssignPublicIp).toBe('DISABLED');
    expect(loadBalancerSubnets(json)).toEqual(EXISTING_VPC.publicSubnetIds);
    for (const [, sg] of resourcesOfType(json, 'AWS::EC2::SecurityGroup')) expect(sg.Properties.VpcId).toBe(EXISTING_VPC.vpcId);
    expect(only(json, 'AWS::ElasticLoadBalancingV2::TargetGroup')[1].Properties.VpcId).toBe(EXISTING_VPC.vpcId);
  });

  test('an existing VPC with public tasks needs no private subnets', () => {
    const { privateSubnetIds: _, ...publicOnly } = EXISTING_VPC;
    const json = synthesizeService({ serviceName: 'orders', network: { vpc: publicOnly } }).environments[0].json;
    expect(serviceNetwork(json)).toEqual(expect.objectContaining({ AssignPublicIp: 'ENABLED', Subnets: EXISTING_VPC.publicSubnetIds }));
  });

  test('public tasks, as by default: public subnets, public IPs, no NAT gateway, the VPC\'s logical IDs unchanged', () => {
    const base = defaultService().environments[0].json;
    for (const json of [stack('public'), base]) {
      expect(resourcesOfType(json, 'AWS::EC2::NatGateway')).toEqual([]);
      expect(subnetsOf(json, 'Private')).toEqual([]);
      expect(serviceNetwork(json).AssignPublicIp).toBe('ENABLED');
      expect(serviceNetwork(json).Subnets).toEqual(subnetsOf(json, 'Public'));
    }
    // The ids that the stacks had before the network was configurable (as synthesized from the
    // previous commit): an update replaces nothing.
    expect(Object.keys(base.Resources).filter((id) => id.startsWith('Vpc')).sort()).toEqual([
      'VpcFlowLog8FF33A73', 'VpcIGWD7BA715C', 'VpcPublicSubnet1DefaultRoute3DA9E72A', 'VpcPublicSubnet1RouteTable6C95E38E',
      'VpcPublicSubnet1RouteTableAssociation97140677', 'VpcPublicSubnet1Subnet5C2D37C4', 'VpcPublicSubnet2DefaultRoute97F91067',
      'VpcPublicSubnet2RouteTable94F7E489', 'VpcPublicSubnet2RouteTableAssociationDD5762D8', 'VpcPublicSubnet2Subnet691E08A3',
      'VpcVPCGWBF912B6E', 'Vpc8378EB38',
    ].sort());
  });
});

describe('checks on every shape', () => {
  test('no warning from aws-cdk-lib (the synth gate fails on one)', () => {
    for (const e of s.environments) {
      expect([e.stack.stackName, Annotations.fromStack(e.stack).findWarning('*', Match.anyValue())]).toEqual([e.stack.stackName, []]);
    }
  });

  test('cfn-lint finds no error', () => {
    const errors = [...cfnLintErrors(s.all.map((x) => x.templateFile))].filter(([, e]) => e.length > 0);
    expect(errors).toEqual([]);
  });

  test('the IAM walk finds no violation', () => {
    for (const x of s.all) expect([x.stack.stackName, iamViolations(x.json)]).toEqual([x.stack.stackName, []]);
  });

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-nag-')) });
    new CicdService(app, DOMAIN_NETWORK_PROPS);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(synthNagFindings(app)).toEqual([]);
  });
});
