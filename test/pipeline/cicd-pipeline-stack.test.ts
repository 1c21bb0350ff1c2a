import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as codepipeline_actions from 'aws-cdk-lib/aws-codepipeline-actions';
import { customizedStack, defaultStack, NONCE, synthesize, Synthesized } from './stacks';
import { CicdPipelineStack } from '../../src';
import { BUILD_ENV, DEFAULTS } from '../../src/shared/service-settings';

let base: Synthesized;
let custom: Synthesized;

beforeAll(() => {
  base = defaultStack();
  custom = customizedStack();
});

/** A value that the customized stack reads from the stack that owns the VPC and the keys. */
function fromSharedStack(name: string): unknown {
  return { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'shared', OutputName: expect.stringContaining(name) }) };
}

function resourcesOfType(s: Synthesized, type: string): Array<[string, any]> {
  return Object.entries<any>(s.json.Resources).filter(([, r]) => r.Type === type);
}

function only(s: Synthesized, type: string): [string, any] {
  const found = resourcesOfType(s, type);
  expect(found).toHaveLength(1);
  return found[0];
}

function container(s: Synthesized): any {
  const [, taskDef] = only(s, 'AWS::ECS::TaskDefinition');
  expect(taskDef.Properties.ContainerDefinitions).toHaveLength(1);
  return taskDef.Properties.ContainerDefinitions[0];
}

function buildEnv(s: Synthesized): Record<string, any> {
  const [, project] = only(s, 'AWS::CodeBuild::Project');
  return Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
}

describe('synthesis', () => {
  test('synthesizes offline with no context and no environment', () => {
    const app = new App();
    const stack = new CicdPipelineStack(app, 'x', { serviceName: 'orders' });
    const template = Template.fromStack(stack).toJSON();
    expect(stack.resolve(stack.region)).toEqual({ Ref: 'AWS::Region' });
    expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    expect(Object.keys(template.Resources).length).toBeGreaterThan(40);
  });

  test('records the resource count of the default stack', () => {
    // A change of the count is a change of what every deployment creates: update it on purpose.
    expect(Object.keys(base.json.Resources).length).toBe(62);
    // The types every deployment needs, each exactly once.
    for (const type of [
      'AWS::CodeCommit::Repository', 'AWS::ECR::Repository', 'AWS::CodeBuild::Project', 'AWS::CodeBuild::ReportGroup',
      'AWS::ECS::Cluster', 'AWS::ECS::TaskDefinition', 'AWS::ECS::Service', 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::CodePipeline::Pipeline', 'Custom::ServiceImage', 'AWS::EC2::VPC',
      'AWS::ApplicationAutoScaling::ScalableTarget', 'AWS::ApplicationAutoScaling::ScalingPolicy',
    ]) {
      expect([type, resourcesOfType(base, type).length]).toEqual([type, 1]);
    }
  });
});

describe('one source of truth', () => {
  test.each([
    ['default', () => base, 'orders', DEFAULTS.containerPort, DEFAULTS.healthCheckPath],
    ['customized', () => custom, 'billing-api', 3000, '/status/ready'],
  ])('%s: container name and port agree everywhere', (_name, get, name, port, healthPath) => {
    const s = get();
    expect(s.stack._settings.containerName).toBe(name);
    expect(container(s).Name).toBe(name);
    expect(buildEnv(s)[BUILD_ENV.containerName]).toBe(name);
    expect(container(s).PortMappings).toEqual([{ ContainerPort: port, Protocol: 'tcp' }]);

    const [, tg] = only(s, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(tg.Properties.Port).toBe(port);
    expect(tg.Properties.HealthCheckPort).toBe(String(port));
    expect(tg.Properties.HealthCheckPath).toBe(healthPath);
    expect(tg.Properties.TargetType).toBe('ip');

    const [, service] = only(s, 'AWS::ECS::Service');
    expect(service.Properties.LoadBalancers).toEqual([
      expect.objectContaining({ ContainerName: name, ContainerPort: port }),
    ]);
    expect(service.Properties.ServiceName).toBe(name);
    const [, cluster] = only(s, 'AWS::ECS::Cluster');
    expect(cluster.Properties.ClusterName).toBe(name);
  });
});

describe('CodeCommit', () => {
  test('repository named after the service, retained, with the AWS-managed key by default', () => {
    const [, repo] = only(base, 'AWS::CodeCommit::Repository');
    expect(repo.Properties.RepositoryName).toBe('orders');
    expect(repo.Properties.KmsKeyId).toBeUndefined();
    expect(repo.DeletionPolicy).toBe('Retain');
  });

  test('a customer-managed key is set on the repository and granted to the source action', () => {
    const [, repo] = only(custom, 'AWS::CodeCommit::Repository');
    expect(repo.Properties.KmsKeyId).toEqual(fromSharedStack('SourceKey'));
    const [, pipeline] = only(custom, 'AWS::CodePipeline::Pipeline');
    const sourceRole = pipeline.Properties.Stages[0].Actions[0].RoleArn['Fn::GetAtt'][0];
    expect(policyStatementsOf(custom, sourceRole)).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: 'kms:Decrypt',
      Resource: repo.Properties.KmsKeyId,
    })]));
  });

  test('outputs the HTTPS, SSH and git-remote-codecommit clone URLs', () => {
    const outputs = base.json.Outputs;
    expect(JSON.stringify(outputs.CloneUrlHttps.Value)).toContain('CloneUrlHttp');
    expect(JSON.stringify(outputs.CloneUrlSsh.Value)).toContain('CloneUrlSsh');
    expect(outputs.CloneUrlGrc.Value).toEqual({
      'Fn::Join': ['', ['codecommit::', { Ref: 'AWS::Region' }, '://', expect.anything()]],
    });
  });
});

describe('ECR', () => {
  test('scan on push, AES-256, commit tags immutable except "latest", emptied on delete', () => {
    const [, repo] = only(base, 'AWS::ECR::Repository');
    expect(repo.Properties.RepositoryName).toBe('orders');
    expect(repo.Properties.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(repo.Properties.EncryptionConfiguration).toEqual({ EncryptionType: 'AES256' });
    expect(repo.Properties.ImageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
    expect(repo.Properties.ImageTagMutabilityExclusionFilters).toEqual([
      { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' },
    ]);
    expect(repo.Properties.EmptyOnDelete).toBe(true);
    expect(repo.DeletionPolicy).toBe('Delete');
  });

  test.each([
    ['default', () => base, 20],
    ['customized', () => custom, 5],
  ])('%s: the lifecycle policy keeps the last N images', (_name, get, n) => {
    const [, repo] = only(get(), 'AWS::ECR::Repository');
    const policy = JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText);
    expect(policy.rules).toEqual([expect.objectContaining({
      selection: expect.objectContaining({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: n }),
      action: { type: 'expire' },
    })]);
  });

  test('a KMS key is used when given', () => {
    const [, repo] = only(custom, 'AWS::ECR::Repository');
    expect(repo.Properties.EncryptionConfiguration).toEqual({
      EncryptionType: 'KMS',
      KmsKey: fromSharedStack('ImageKey'),
    });
  });
});

describe('CodeBuild', () => {
  test('buildspec from the source, privileged, default image and size, docker layer cache, own log group', () => {
    const [, project] = only(base, 'AWS::CodeBuild::Project');
    expect(project.Properties.Source).toEqual({ Type: 'CODEPIPELINE', BuildSpec: 'buildspec.yml' });
    expect(project.Properties.Environment).toEqual(expect.objectContaining({
      Image: DEFAULTS.buildImage,
      Type: 'LINUX_CONTAINER',
      ComputeType: 'BUILD_GENERAL1_SMALL',
      PrivilegedMode: true,
    }));
    expect(project.Properties.Cache).toEqual({ Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE'] });
    const [logGroupId, logGroup] = resourcesOfType(base, 'AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === '/aws/codebuild/orders-build')!;
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    expect(project.Properties.LogsConfig.CloudWatchLogs).toEqual({ Status: 'ENABLED', GroupName: { Ref: logGroupId } });
  });

  test('sets the environment variables that buildspec.yml reads', () => {
    const env = buildEnv(base);
    const [repoId] = only(base, 'AWS::ECR::Repository');
    expect(Object.keys(env).sort()).toEqual(Object.values(BUILD_ENV).sort());
    expect(JSON.stringify(env[BUILD_ENV.repositoryUri])).toContain(repoId);
    expect(env[BUILD_ENV.containerName]).toBe('orders');
    expect(env[BUILD_ENV.accountId]).toEqual({ Ref: 'AWS::AccountId' });
  });

  test('an arm64 image, a larger size and the log retention follow the props; the tasks run on ARM64 too', () => {
    const [, project] = only(custom, 'AWS::CodeBuild::Project');
    expect(project.Properties.Environment).toEqual(expect.objectContaining({
      Image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0',
      Type: 'ARM_CONTAINER',
      ComputeType: 'BUILD_GENERAL1_MEDIUM',
    }));
    const [, taskDef] = only(custom, 'AWS::ECS::TaskDefinition');
    expect(taskDef.Properties.RuntimePlatform.CpuArchitecture).toBe('ARM64');
    for (const [, logGroup] of resourcesOfType(custom, 'AWS::Logs::LogGroup')) {
      expect(logGroup.Properties.RetentionInDays).toBe(7);
    }
  });

  test('a custom image URI is pulled from its registry', () => {
    const { json } = synthesize({
      serviceName: 'orders', buildImage: 'public.ecr.aws/docker/library/node:20',
    });
    const project = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::CodeBuild::Project');
    expect(project.Properties.Environment.Image).toBe('public.ecr.aws/docker/library/node:20');
    expect(project.Properties.Environment.Type).toBe('LINUX_CONTAINER');
  });

  test('the JUnit report group is named for the "unit-tests" key of buildspec.yml and is the only one the project writes to', () => {
    const [groupId, group] = only(base, 'AWS::CodeBuild::ReportGroup');
    expect(group.Properties).toEqual(expect.objectContaining({ Name: 'orders-build-unit-tests', Type: 'TEST' }));
    const [, project] = only(base, 'AWS::CodeBuild::Project');
    expect(project.Properties.Name).toBe('orders-build');
    const statements = policyStatementsOf(base, project.Properties.ServiceRole['Fn::GetAtt'][0]);
    const reports = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('codebuild:')));
    expect(reports).toHaveLength(1);
    expect(reports[0].Resource).toEqual({ 'Fn::GetAtt': [groupId, 'Arn'] });
    expect([reports[0].Action].flat()).not.toContain('codebuild:CreateReportGroup');
  });

  test('ECR push and pull on its own repository only', () => {
    const [repoId] = only(base, 'AWS::ECR::Repository');
    const [, project] = only(base, 'AWS::CodeBuild::Project');
    const statements = policyStatementsOf(base, project.Properties.ServiceRole['Fn::GetAtt'][0]);
    const ecrStatements = statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('ecr:')));
    const push = ecrStatements.find((st) => [st.Action].flat().includes('ecr:PutImage'));
    expect(push.Resource).toEqual({ 'Fn::GetAtt': [repoId, 'Arn'] });
    const token = ecrStatements.find((st) => [st.Action].flat().includes('ecr:GetAuthorizationToken'));
    expect([token.Action].flat()).toEqual(['ecr:GetAuthorizationToken']);
    expect(token.Resource).toBe('*');
  });
});

describe('network', () => {
  test('a new VPC has public subnets in two AZs, no NAT gateway and a flow log', () => {
    expect(resourcesOfType(base, 'AWS::EC2::Subnet')).toHaveLength(2);
    expect(resourcesOfType(base, 'AWS::EC2::NatGateway')).toHaveLength(0);
    for (const [, subnet] of resourcesOfType(base, 'AWS::EC2::Subnet')) expect(subnet.Properties.MapPublicIpOnLaunch).toBe(true);
    const [, flowLog] = only(base, 'AWS::EC2::FlowLog');
    expect(flowLog.Properties.LogDestinationType).toBe('s3');
  });

  test('an existing VPC is used as given', () => {
    expect(resourcesOfType(custom, 'AWS::EC2::VPC')).toHaveLength(0);
    const [, service] = only(custom, 'AWS::ECS::Service');
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual([
      fromSharedStack('PublicSubnet1'),
      fromSharedStack('PublicSubnet2'),
    ]);
  });

  test('the tasks admit the container port from the load balancer only', () => {
    const [, service] = only(base, 'AWS::ECS::Service');
    const [sgId] = service.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map((g: any) => g['Fn::GetAtt'][0]);
    const sg = base.json.Resources[sgId];
    expect(sg.Properties.SecurityGroupIngress ?? []).toEqual([]);
    const ingress = resourcesOfType(base, 'AWS::EC2::SecurityGroupIngress').filter(([, r]) => r.Properties.GroupId['Fn::GetAtt'][0] === sgId);
    expect(ingress).toHaveLength(1);
    const [, lb] = only(base, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(ingress[0][1].Properties).toEqual(expect.objectContaining({
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [lb.Properties.SecurityGroups[0]['Fn::GetAtt'][0], 'GroupId'] },
    }));
    expect(service.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
  });
});

describe('ECS', () => {
  test('cluster with Container Insights', () => {
    const [, cluster] = only(base, 'AWS::ECS::Cluster');
    expect(cluster.Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  test('task size, family and logs follow the settings', () => {
    const [, taskDef] = only(base, 'AWS::ECS::TaskDefinition');
    expect(taskDef.Properties).toEqual(expect.objectContaining({ Family: 'orders', Cpu: '256', Memory: '512', NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] }));
    const [, customTaskDef] = only(custom, 'AWS::ECS::TaskDefinition');
    expect(customTaskDef.Properties).toEqual(expect.objectContaining({ Family: 'billing-api', Cpu: '1024', Memory: '4096' }));
    const [logGroupId, logGroup] = resourcesOfType(base, 'AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName === '/ecs/orders')!;
    expect(logGroup.Properties.RetentionInDays).toBe(30);
    expect(container(base).LogConfiguration).toEqual({
      LogDriver: 'awslogs',
      Options: expect.objectContaining({ 'awslogs-group': { Ref: logGroupId }, 'awslogs-stream-prefix': 'orders' }),
    });
  });

  test('the image and the desired count come from the ServiceImage custom resource', () => {
    const [crId, cr] = only(base, 'Custom::ServiceImage');
    expect(container(base).Image).toEqual({ 'Fn::GetAtt': [crId, 'Image'] });
    const [, service] = only(base, 'AWS::ECS::Service');
    expect(service.Properties.DesiredCount).toEqual({ 'Fn::GetAtt': [crId, 'DesiredCount'] });
    expect(cr.Properties).toEqual(expect.objectContaining({
      ClusterName: 'orders', ServiceName: 'orders', ContainerName: 'orders', DesiredCount: 1, Nonce: NONCE,
    }));
  });

  test('the custom resource gets a new nonce on every synth, so it runs on every deploy', () => {
    const nonceOf = () => {
      const stack = new CicdPipelineStack(new App(), 'x', { serviceName: 'orders' });
      const t = Template.fromStack(stack).toJSON();
      return Object.values<any>(t.Resources).find((r) => r.Type === 'Custom::ServiceImage').Properties.Nonce;
    };
    const first = nonceOf();
    const later = Date.now() + 5;
    while (Date.now() < later) { /* let the clock move */ }
    expect(nonceOf()).not.toEqual(first);
  });

  test('deployment circuit breaker with rollback', () => {
    const [, service] = only(base, 'AWS::ECS::Service');
    expect(service.Properties.DeploymentConfiguration).toEqual(expect.objectContaining({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      MinimumHealthyPercent: 100,
      MaximumPercent: 200,
    }));
    expect(service.Properties.LaunchType).toBe('FARGATE');
  });

  test.each([
    ['default', () => base, 1, 4, 60],
    ['customized', () => custom, 2, 6, 50],
  ])('%s: CPU-target autoscaling between desiredCount and maxCount (minimum 0 while bootstrapping)', (_name, get, desired, max, cpu) => {
    const s = get();
    const [crId, cr] = only(s, 'Custom::ServiceImage');
    expect(cr.Properties.DesiredCount).toBe(desired);
    const [, target] = only(s, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(target.Properties.MaxCapacity).toBe(max);
    expect(target.Properties.MinCapacity).toEqual({ 'Fn::GetAtt': [crId, 'MinCapacity'] });
    // No scale-in while bootstrapping: the minimum is then 0.
    expect(target.Properties.SuspendedState).toEqual({
      DynamicScalingInSuspended: { 'Fn::GetAtt': [crId, 'Bootstrap'] },
      DynamicScalingOutSuspended: false,
      ScheduledScalingSuspended: false,
    });
    const [, policy] = only(s, 'AWS::ApplicationAutoScaling::ScalingPolicy');
    expect(policy.Properties.TargetTrackingScalingPolicyConfiguration).toEqual(expect.objectContaining({
      TargetValue: cpu,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    }));
  });
});

describe('load balancer', () => {
  test('internet-facing, HTTP on 80 forwarding to the service, URL as output', () => {
    const [lbId, lb] = only(base, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    expect(lb.Properties.Scheme).toBe('internet-facing');
    const [, listener] = only(base, 'AWS::ElasticLoadBalancingV2::Listener');
    const [tgId] = only(base, 'AWS::ElasticLoadBalancingV2::TargetGroup');
    expect(listener.Properties).toEqual(expect.objectContaining({
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: { Ref: tgId } }],
    }));
    expect(base.json.Outputs.ServiceUrl.Value).toEqual({ 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [lbId, 'DNSName'] }]] });
  });

  test('with a certificate: HTTPS on 443 and a redirect from 80', () => {
    const listeners = resourcesOfType(custom, 'AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => r.Properties);
    expect(listeners).toHaveLength(2);
    const https = listeners.find((l) => l.Port === 443);
    expect(https.Protocol).toBe('HTTPS');
    expect(https.Certificates).toEqual([{ CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012' }]);
    const http = listeners.find((l) => l.Port === 80);
    expect(http.DefaultActions[0]).toEqual(expect.objectContaining({ Type: 'redirect', RedirectConfig: expect.objectContaining({ Protocol: 'HTTPS', Port: '443' }) }));
    expect(JSON.stringify(custom.json.Outputs.ServiceUrl.Value)).toContain('https://');
  });

  test('access logs go to the log bucket when the region is known, and are acknowledged otherwise', () => {
    const attributes = (s: Synthesized) => only(s, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.LoadBalancerAttributes ?? [];
    expect(attributes(custom)).toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }]));
    expect(attributes(base)).not.toEqual(expect.arrayContaining([{ Key: 'access_logs.s3.enabled', Value: 'true' }]));
  });
});

describe('pipeline', () => {
  test('V2, Source -> Build -> Deploy with ECS deploy then EnsureRunning', () => {
    const [, pipeline] = only(base, 'AWS::CodePipeline::Pipeline');
    expect(pipeline.Properties.PipelineType).toBe('V2');
    expect(pipeline.Properties.Name).toBe('orders');
    const stages = pipeline.Properties.Stages;
    expect(stages.map((s: any) => s.Name)).toEqual(['Source', 'Build', 'Deploy']);

    const [source] = stages[0].Actions;
    expect(source.ActionTypeId).toEqual({ Category: 'Source', Owner: 'AWS', Provider: 'CodeCommit', Version: '1' });
    expect(source.Configuration).toEqual(expect.objectContaining({ BranchName: 'main', PollForSourceChanges: false }));

    const [build] = stages[1].Actions;
    expect(build.ActionTypeId.Provider).toBe('CodeBuild');
    expect(build.InputArtifacts).toEqual(source.OutputArtifacts);

    const [deploy, ensure] = stages[2].Actions;
    expect(deploy.ActionTypeId).toEqual({ Category: 'Deploy', Owner: 'AWS', Provider: 'ECS', Version: '1' });
    expect(deploy.Configuration).toEqual(expect.objectContaining({ ClusterName: 'orders', ServiceName: 'orders', FileName: 'imagedefinitions.json' }));
    expect(deploy.InputArtifacts).toEqual(build.OutputArtifacts);
    expect(deploy.RunOrder).toBe(1);
    expect(ensure.ActionTypeId).toEqual({ Category: 'Invoke', Owner: 'AWS', Provider: 'Lambda', Version: '1' });
    expect(ensure.RunOrder).toBe(2);
    expect(JSON.parse(ensure.Configuration.UserParameters)).toEqual({ clusterName: 'orders', serviceName: 'orders', desiredCount: 1 });
  });

  test('an EventBridge rule on pushes to the branch starts the pipeline', () => {
    const [, rule] = only(custom, 'AWS::Events::Rule');
    expect(rule.Properties.EventPattern).toEqual(expect.objectContaining({
      'source': ['aws.codecommit'],
      'detail-type': ['CodeCommit Repository State Change'],
      'detail': expect.objectContaining({ referenceName: ['release/v2'] }),
    }));
  });

  test('the artifact bucket is encrypted, SSL-only, private and expires its objects', () => {
    const [, pipeline] = only(base, 'AWS::CodePipeline::Pipeline');
    const bucketId = pipeline.Properties.ArtifactStore.Location.Ref;
    const bucket = base.json.Resources[bucketId];
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 30, Status: 'Enabled' })]);
    const policy = resourcesOfType(base, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)![1];
    expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    })]));
  });

  test('a subclass can replace the source, for example with a CodeStar connection to GitHub', () => {
    const branches: string[] = [];
    class GitHubSourced extends CicdPipelineStack {
      protected createSourceAction(output: codepipeline.Artifact, branch: string): codepipeline.IAction {
        branches.push(branch);
        return new codepipeline_actions.CodeStarConnectionsSourceAction({
          actionName: 'GitHub',
          connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/abc',
          owner: 'acme',
          repo: 'orders',
          branch,
          output,
        });
      }
    }
    const stack = new GitHubSourced(new App(), 'x', { serviceName: 'orders', branch: 'trunk' });
    expect(branches).toEqual(['trunk']);
    const resources = Template.fromStack(stack).toJSON().Resources;
    const pipeline = Object.values<any>(resources).find((r) => r.Type === 'AWS::CodePipeline::Pipeline');
    const [source] = pipeline.Properties.Stages[0].Actions;
    expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
    expect(source.Configuration).toEqual(expect.objectContaining({ FullRepositoryId: 'acme/orders', BranchName: 'trunk' }));
    expect(pipeline.Properties.Stages[1].Actions[0].InputArtifacts).toEqual(source.OutputArtifacts);
  });
});

describe('IAM of the deploy stage', () => {
  test('the ECS deploy action role updates only its service and passes only the task roles to ECS tasks', () => {
    const [, pipeline] = only(base, 'AWS::CodePipeline::Pipeline');
    const deploy = pipeline.Properties.Stages[2].Actions[0];
    const statements = policyStatementsOf(base, deploy.RoleArn['Fn::GetAtt'][0]);
    const update = statements.find((st) => [st.Action].flat().includes('ecs:UpdateService'));
    expect(JSON.stringify(update.Resource)).toContain(':service/orders/orders');
    const pass = statements.find((st) => [st.Action].flat().includes('iam:PassRole'));
    const [, taskDef] = only(base, 'AWS::ECS::TaskDefinition');
    expect(pass.Resource).toEqual(expect.arrayContaining([taskDef.Properties.TaskRoleArn, taskDef.Properties.ExecutionRoleArn]));
    expect(pass.Resource).toHaveLength(2);
    expect(pass.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    const list = statements.find((st) => [st.Action].flat().includes('ecs:ListTasks'));
    expect(JSON.stringify(list.Condition)).toContain(':cluster/orders');
  });

  test('the function roles are scoped to the service and the image repository', () => {
    const [crId, cr] = only(base, 'Custom::ServiceImage');
    expect(crId).toBeDefined();
    const fnId = cr.Properties.ServiceToken['Fn::GetAtt'][0];
    const roleId = base.json.Resources[fnId].Properties.Role['Fn::GetAtt'][0];
    const statements = policyStatementsOf(base, roleId);
    const describe = statements.find((st) => [st.Action].flat().includes('ecs:DescribeServices'));
    expect(JSON.stringify(describe.Resource)).toContain(':service/orders/orders');
    const [repoId] = only(base, 'AWS::ECR::Repository');
    const images = statements.find((st) => [st.Action].flat().includes('ecr:DescribeImages'));
    expect(images.Resource).toEqual({ 'Fn::GetAtt': [repoId, 'Arn'] });
  });
});

/** The statements of every policy attached to a role (inline policies and AWS::IAM::Policy resources). */
export function policyStatementsOf(s: Synthesized, roleId: string): any[] {
  const role = s.json.Resources[roleId];
  const inline = (role.Properties.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement);
  const attached = Object.values<any>(s.json.Resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
    .flatMap((r) => r.Properties.PolicyDocument.Statement);
  return [...inline, ...attached];
}
