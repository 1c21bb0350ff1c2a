import { only, resourcesOfType, SynthesizedService, threeServices } from '../support/service-stacks';

const svc = threeServices();

/** The pipeline's build project (`<service>-build`; the pull request and upgrade builds have their own names). */
function pipelineBuild(json: any): any {
  const builds = resourcesOfType(json, 'AWS::CodeBuild::Project').filter(([, r]) => /-build$/.test(r.Properties.Name));
  expect(builds).toHaveLength(1);
  return builds[0][1];
}

function buildEnv(s: SynthesizedService): Record<string, any> {
  const project = pipelineBuild(s.delivery.json);
  return Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
}

test('the CodeCommit repository is named after the service and retained; a customer-managed key is used when given', () => {
  const [, repo] = only(svc.base.delivery.json, 'AWS::CodeCommit::Repository');
  expect(repo.Properties.RepositoryName).toBe('orders');
  expect(repo.DeletionPolicy).toBe('Retain');
  expect(repo.Properties.KmsKeyId).toBeUndefined();
  expect(JSON.stringify(only(svc.custom.delivery.json, 'AWS::CodeCommit::Repository')[1].Properties.KmsKeyId)).toContain('SourceKey');
});

test('the ECR repository keeps the images the environments run, and lets only their tags and "latest" move', () => {
  const [, repo] = only(svc.base.delivery.json, 'AWS::ECR::Repository');
  const policy = JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText);
  expect(policy.rules.map((r: any) => [r.rulePriority, r.selection.tagStatus, r.selection.tagPrefixList, r.selection.countNumber])).toEqual([
    [1, 'tagged', ['env-'], 1000],
    [2, 'any', undefined, 20],
  ]);
  expect(repo.Properties.ImageTagMutability).toBe('IMMUTABLE_WITH_EXCLUSION');
  expect(repo.Properties.ImageTagMutabilityExclusionFilters.map((f: any) => f.ImageTagMutabilityExclusionFilterValue)).toEqual(['latest', 'env-*']);
  expect(repo.Properties.EmptyOnDelete).toBe(true);
});

test('the build gets the repository and the container name that imagedefinitions.json must use', () => {
  expect(buildEnv(svc.base).CONTAINER_NAME).toBe('orders');
  expect(JSON.stringify(buildEnv(svc.base).REPOSITORY_URI)).toContain('ImageRepository');
  const project = pipelineBuild(svc.custom.delivery.json);
  expect(project.Properties.Environment).toEqual(expect.objectContaining({
    Image: 'aws/codebuild/amazonlinux-aarch64-standard:3.0', ComputeType: 'BUILD_GENERAL1_MEDIUM', PrivilegedMode: true, Type: 'ARM_CONTAINER',
  }));
});

test('the test report group is deleted with its reports, so that the stack can be destroyed', () => {
  const [, group] = resourcesOfType(svc.base.delivery.json, 'AWS::CodeBuild::ReportGroup').find(([, r]) => r.Properties.Name === 'orders-build-unit-tests')!;
  expect(group.Properties).toEqual(expect.objectContaining({ Name: 'orders-build-unit-tests', DeleteReports: true }));
  expect(group.DeletionPolicy).toBe('Delete');
});

test('the artifact bucket is versioned, refuses ACLs and is retained; the log bucket too', () => {
  for (const [, bucket] of resourcesOfType(svc.base.delivery.json, 'AWS::S3::Bucket')) {
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.DeletionPolicy).toBe('Retain');
  }
  const artifact = resourcesOfType(svc.base.delivery.json, 'AWS::S3::Bucket').find(([id]) => id.startsWith('ArtifactBucket'))![1];
  expect(artifact.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
});

test('outputs the clone URLs, the image repository and the pipeline name', () => {
  expect(Object.keys(svc.base.delivery.json.Outputs)).toEqual(expect.arrayContaining(['CloneUrlHttps', 'CloneUrlSsh', 'CloneUrlGrc', 'ImageRepositoryUri', 'PipelineName']));
});

describe('an environment in another account', () => {
  test('can pull the images', () => {
    const [, repo] = only(svc.cross.delivery.json, 'AWS::ECR::Repository');
    expect(repo.Properties.RepositoryPolicyText.Statement).toEqual([expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
    })]);
    expect(only(svc.base.delivery.json, 'AWS::ECR::Repository')[1].Properties.RepositoryPolicyText).toBeUndefined();
  });

  test('reads the artifacts, encrypted with a key of the pipeline that its roles may use', () => {
    // The other key of the stack is the notification topic's.
    const artifactKeys = (json: any) => resourcesOfType(json, 'AWS::KMS::Key').filter(([id]) => !id.startsWith('NotificationsService'));
    expect(artifactKeys(svc.base.delivery.json)).toEqual([]);
    expect(artifactKeys(svc.cross.delivery.json)).toHaveLength(1);
    const [, key] = artifactKeys(svc.cross.delivery.json)[0];
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const keyPolicy = JSON.stringify(key.Properties.KeyPolicy);
    expect(keyPolicy).toContain('cdk-hnb659fds-deploy-role-222222222222-eu-west-1');
    expect(keyPolicy).toContain('arn:aws:iam::222222222222:role/orders-production-ecs-deploy');
    const artifact = resourcesOfType(svc.cross.delivery.json, 'AWS::S3::Bucket').find(([id]) => id.startsWith('ArtifactBucket'))![1];
    expect(JSON.stringify(artifact.Properties.BucketEncryption)).toContain('aws:kms');
  });

  test('its deploy role is admitted by a condition, since it does not exist when the pipeline stack is deployed', () => {
    const [, policy] = resourcesOfType(svc.cross.delivery.json, 'AWS::S3::BucketPolicy').find(([, p]) => JSON.stringify(p).includes('ecs-deploy'))!;
    const statement = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'ReadArtifactsproductionRollout');
    expect(statement).toEqual(expect.objectContaining({
      Action: ['s3:GetObject', 's3:GetObjectVersion'],
      Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:role/orders-production-ecs-deploy' } },
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::222222222222:root']] } },
    }));
    // No policy names the role itself as a principal: S3 and KMS refuse principals that do not exist.
    expect(JSON.stringify(svc.cross.delivery.json)).not.toMatch(/"AWS":"arn:aws:iam::222222222222:role\/orders-production-ecs-deploy"/);
  });
});

test('the resources with physical names keep the construct IDs, and so the logical IDs, of the stack that held them before', () => {
  // An upgrade deploys the pipeline stack over the former all-in-one stack of the same name: a
  // changed logical ID would make CloudFormation create a second resource under the same name.
  const stack = svc.base.delivery.stack;
  const logicalId = (id: string) => stack.getLogicalId(stack.node.findChild(id).node.defaultChild as any);
  for (const id of ['Repository', 'ImageRepository', 'BuildProject', 'BuildLogGroup', 'TestReportGroup', 'Pipeline', 'ArtifactBucket', 'LogBucket']) {
    expect(logicalId(id)).toMatch(new RegExp(`^${id}[0-9A-F]{8}$`));
  }
  // Two of them as the earlier stack's acknowledgments named them.
  expect([logicalId('ArtifactBucket'), logicalId('BuildProject')]).toEqual(['ArtifactBucket7410C9EF', 'BuildProject097C5DB7']);
});
