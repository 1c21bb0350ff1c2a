/**
 * The IAM walk over a synthesized template: every Allow statement of every identity policy, and the
 * rules that least privilege means for the service's stacks. Shared by the pipeline's IAM test and
 * the quality matrix and property tests.
 */

import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * The only actions that may be granted on `Resource: "*"`, each with the reason. Everything else
 * must name its resources.
 */
export const WILDCARD_RESOURCE_ALLOWLIST: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'ECR issues registry tokens per account: the action has no resource type',
  'ecs:DescribeTaskDefinition': 'no resource-level permissions (the ECS deploy action reads the current revision)',
  'ecs:RegisterTaskDefinition': 'no resource-level permissions (the ECS deploy action registers the new revision)',
  'ecs:ListTasks': 'no resource type of its own; the statement is limited to the cluster by an ecs:cluster condition',
  'codepipeline:PutJobSuccessResult': 'no resource-level permissions (the pipeline\'s functions report their result)',
  'codepipeline:PutJobFailureResult': 'no resource-level permissions (the pipeline\'s functions report their result)',
  'lambda:ListFunctions': 'no resource-level permissions; CodePipeline\'s Lambda invoke action requires it',
  'ssmmessages:CreateControlChannel': 'ECS Exec: the Session Manager channels have no resource type',
  'ssmmessages:CreateDataChannel': 'ECS Exec: the Session Manager channels have no resource type',
  'ssmmessages:OpenControlChannel': 'ECS Exec: the Session Manager channels have no resource type',
  'ssmmessages:OpenDataChannel': 'ECS Exec: the Session Manager channels have no resource type',
  'logs:DescribeLogGroups': 'ECS Exec: the agent lists the log groups to find the session log\'s; the action has no resource-level permissions',
  'ec2:DescribeNetworkInterfaces': 'no resource-level permissions (the test-traffic hook finds the load balancer\'s private addresses)',
};

/** The allowlisted actions that only a service with ECS Exec on is granted. */
export const EXECUTE_COMMAND_WILDCARD_ACTIONS = Object.keys(WILDCARD_RESOURCE_ALLOWLIST).filter((a) => a.startsWith('ssmmessages:') || a === 'logs:DescribeLogGroups');

/**
 * The AWS-managed policies that a role may carry, each with the one service that may assume that
 * role and the reason. The walk cannot read them; AWS keeps them to what the service documents.
 */
export const MANAGED_POLICY_ALLOWLIST: Record<string, { readonly service: string; readonly reason: string }> = {
  'AmazonECSInfrastructureRolePolicyForLoadBalancers': {
    service: 'ecs.amazonaws.com',
    reason: 'ECS\'s infrastructure role of blue/green, canary and linear deployments: the policy that ECS documents for moving listener rules',
  },
  'service-role/AWSLambdaVPCAccessExecutionRole': {
    service: 'lambda.amazonaws.com',
    reason: 'the network interfaces of the test-traffic probe, a function in the VPC',
  },
};

/** What is wrong with the managed policies of a role: any that is not allowlisted for the service that assumes it. */
export function managedPolicyProblems(id: string, role: any): string[] {
  const arns: unknown[] = role.Properties.ManagedPolicyArns ?? [];
  const services = JSON.stringify(role.Properties.AssumeRolePolicyDocument?.Statement?.map((st: any) => st.Principal) ?? []);
  return arns.flatMap((arn) => {
    const name = /:iam::aws:policy\/(.+)$/.exec(JSON.stringify(arn).replace(/"\]\]\}$/, ''))?.[1];
    const allowed = name === undefined ? undefined : MANAGED_POLICY_ALLOWLIST[name];
    if (!allowed) return [`${id}: managed policy ${JSON.stringify(arn)}`];
    return services === JSON.stringify([{ Service: allowed.service }]) ? [] : [`${id}: ${name} on a role that ${services} assumes`];
  });
}

/** One Allow statement of an identity policy. */
export interface Grant {
  readonly policy: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly condition?: unknown;
}

/** Every Allow statement of every identity policy in the template. */
export function grants(json: any): Grant[] {
  const out: Grant[] = [];
  const add = (policy: string, document: any) => {
    for (const st of document.Statement) {
      if (st.Effect !== 'Allow') continue;
      expect([policy, st.NotAction, st.NotResource]).toEqual([policy, undefined, undefined]);
      out.push({ policy, actions: [st.Action].flat(), resources: [st.Resource].flat(), condition: st.Condition });
    }
  };
  for (const [id, r] of Object.entries<any>(json.Resources)) {
    if (r.Type === 'AWS::IAM::Policy') add(id, r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::ManagedPolicy') add(id, r.Properties.PolicyDocument);
    if (r.Type === 'AWS::IAM::Role') {
      for (const p of r.Properties.Policies ?? []) add(`${id}/${p.PolicyName}`, p.PolicyDocument);
      // Managed policies attached by ARN would escape this walk: only the allowlisted AWS-managed ones.
      expect([id, managedPolicyProblems(id, r)]).toEqual([id, []]);
    }
  }
  return out;
}

/**
 * What breaks least privilege in a template of the service: action wildcards, `Resource: "*"` for
 * an action outside the allowlist, `ecs:ListTasks` not limited to the template's own cluster,
 * `iam:PassRole` beyond the template's task roles and ECS tasks, `UseConnection` on anything but
 * the connection that the pipeline's source names, any `codecommit:Merge*`, a `codecommit:GitPush`
 * not limited to branches. Empty when the template is clean.
 */
export function iamViolations(json: any): string[] {
  const all = grants(json);
  const out: string[] = [];
  if (all.length === 0) out.push('no identity policy found: the walk saw nothing');
  const cluster = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ECS::Cluster')?.Properties.ClusterName;
  for (const g of all) {
    for (const a of g.actions) {
      if (a === '*' || /^[a-z0-9-]+:\*$/.test(a)) out.push(`${g.policy}: action wildcard ${a}`);
      if (g.resources.includes('*') && !WILDCARD_RESOURCE_ALLOWLIST[a]) out.push(`${g.policy}: ${a} on Resource "*"`);
    }
    if (g.actions.includes('ecs:ListTasks') && (cluster === undefined || !JSON.stringify(g.condition ?? null).includes(`:cluster/${cluster}"`))) {
      out.push(`${g.policy}: ecs:ListTasks not limited to the cluster ${cluster}`);
    }
  }
  for (const g of all) {
    // No role merges a pull request: a merge is a person's decision after the checks.
    for (const a of g.actions.filter((x) => /^codecommit:Merge/.test(x))) out.push(`${g.policy}: ${a}`);
    // A push is limited to the branches its role owns.
    if (g.actions.includes('codecommit:GitPush') && !JSON.stringify(g.condition ?? null).includes('"codecommit:References":["refs/heads/')) {
      out.push(`${g.policy}: codecommit:GitPush not limited to branches by codecommit:References`);
    }
  }
  const taskDef = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const taskRoles = JSON.stringify([taskDef?.Properties.TaskRoleArn, taskDef?.Properties.ExecutionRoleArn].sort(byJson));
  for (const g of all.filter((x) => x.actions.includes('iam:PassRole'))) {
    if (!taskDef || JSON.stringify([...g.resources].sort(byJson)) !== taskRoles) out.push(`${g.policy}: iam:PassRole beyond the task roles`);
    if (JSON.stringify(g.condition) !== JSON.stringify({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } })) {
      out.push(`${g.policy}: iam:PassRole not limited to ECS tasks`);
    }
  }
  out.push(...secretReadViolations(json, all));
  out.push(...teamPolicyViolations(json));
  const connections = connectionArns(json);
  for (const g of all.filter((x) => x.actions.some((a) => /^(codestar-connections|codeconnections):UseConnection$/.test(a)))) {
    if (g.resources.some((r) => typeof r !== 'string' || !connections.includes(r))) out.push(`${g.policy}: UseConnection beyond the connection of the source`);
  }
  return out;
}

/** The connections that the template's pipelines name in their source actions. */
export function connectionArns(json: any): string[] {
  return Object.values<any>(json.Resources)
    .filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')
    .flatMap((r) => r.Properties.Stages.flatMap((st: any) => st.Actions))
    .map((a) => a.Configuration?.ConnectionArn)
    .filter((arn): arn is string => typeof arn === 'string');
}

/**
 * The Allow grants of Secrets Manager and SSM actions in any policy, and of kms:Decrypt in the
 * policies of the task definition's execution role: one row per action and resource.
 */
export function secretReads(json: any): Array<{ policy: string; action: string; resource: unknown }> {
  const taskDef = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const executionRole = JSON.stringify([{ Ref: taskDef?.Properties.ExecutionRoleArn?.['Fn::GetAtt']?.[0] }]);
  const ofExecutionRole = (policy: string) => JSON.stringify(json.Resources[policy]?.Properties.Roles) === executionRole;
  return grants(json).flatMap((g) => g.actions.filter((a) => /^(secretsmanager|ssm):/.test(a) || (a === 'kms:Decrypt' && ofExecutionRole(g.policy)))
    .flatMap((action) => g.resources.map((resource) => ({ policy: g.policy, action, resource }))));
}

/** The `valueFrom` of every container secret of the template's task definitions. */
export function containerSecrets(json: any): string[] {
  return Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition')
    .flatMap((r) => (r.Properties.ContainerDefinitions ?? []).flatMap((c: any) => (c.Secrets ?? []).map((x: any) => x.ValueFrom)));
}

/**
 * What reads secrets beyond the containers' own: a Secrets Manager or SSM action other than the
 * one ECS needs, on a resource that no container secret names, or in a policy of another role than
 * the task definition's execution role; a container secret that the execution role cannot read.
 */
function secretReadViolations(json: any, all: Grant[]): string[] {
  const out: string[] = [];
  const secrets = containerSecrets(json);
  // The secret's own ARN: ECS's JSON-key selector (":key:stage:version") is not part of it.
  const readable = (valueFrom: string) => (valueFrom.includes(':secretsmanager:')
    ? ['secretsmanager:GetSecretValue', valueFrom.split(':').slice(0, 7).join(':')]
    : ['ssm:GetParameters', valueFrom]);
  const taskDef = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  const executionRole = taskDef?.Properties.ExecutionRoleArn?.['Fn::GetAtt']?.[0];
  const granted: Array<[string, string]> = [];
  for (const g of all) {
    const reads = g.actions.filter((a) => /^(secretsmanager|ssm):/.test(a));
    if (reads.length === 0) continue;
    const roles = JSON.stringify(json.Resources[g.policy]?.Properties.Roles ?? null);
    if (executionRole === undefined || roles !== JSON.stringify([{ Ref: executionRole }])) out.push(`${g.policy}: reads secrets, but is not the execution role's policy only`);
    for (const action of reads) {
      if (action !== 'secretsmanager:GetSecretValue' && action !== 'ssm:GetParameters') out.push(`${g.policy}: ${action} beyond what ECS needs to read a secret`);
      for (const resource of g.resources) {
        // A partial ARN's grant covers the secret's 6-character suffix with "-??????".
        const arn = typeof resource === 'string' ? resource.replace(/-\?{6}$/, '') : JSON.stringify(resource);
        if (!secrets.some((v) => samePair(readable(v), [action, arn]))) out.push(`${g.policy}: ${action} on ${arn}, which no container secret names`);
        granted.push([action, arn]);
      }
    }
  }
  for (const v of secrets) {
    if (!granted.some((pair) => samePair(pair, readable(v)))) out.push(`the container secret ${v} is not readable by the execution role`);
  }
  return out;
}

function samePair(a: string[], b: string[]): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}

/** The suffix of the team's customer managed policies (`<service>-team-access`, `<service>-<environment>-team-access`). */
export const TEAM_POLICY_SUFFIX = '-team-access';

/** What the team's policies may do besides reading: push to Git, approve, and use the repository's key through CodeCommit. */
const TEAM_WRITES = ['codecommit:GitPush', 'codepipeline:PutApprovalResult', 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'];
const TEAM_READ = /^[a-z0-9-]+:(Get|List|Describe|BatchGet|Filter|StartQuery$|GitPull$)/;
const MFA_TRUE = JSON.stringify({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
const MFA_ABSENT_OR_FALSE = JSON.stringify({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } });

/** The team's managed policies of a template (`...-team-access`, `...-team-access-2`...), by logical ID. */
export function teamPolicies(json: any): Array<[string, any]> {
  const name = new RegExp(`${TEAM_POLICY_SUFFIX}(-[0-9]+)?$`);
  return Object.entries<any>(json.Resources)
    .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && name.test(String(r.Properties.ManagedPolicyName ?? '')));
}

/** IAM's limit on a customer managed policy document, in characters without white space. */
export const MANAGED_POLICY_MAX_LENGTH = 6144;

/** The longest values that a template's references can take in a policy document. */
const LONGEST = {
  partition: 'aws-us-gov',
  region: RegionInfo.regions.map((r) => r.name).reduce((a, b) => (b.length > a.length ? b : a)),
  account: '123456789012',
};

/** A resource's own name in a template, when the template sets it as a literal. */
function literalName(json: any, logicalId: string): string | undefined {
  const properties = json.Resources?.[logicalId]?.Properties ?? {};
  const name = ['RepositoryName', 'Name', 'ProjectName'].map((k) => properties[k]).find((v) => typeof v === 'string');
  return name;
}

/**
 * The length of a policy document of `json` as IAM counts it (no white space), with each pseudo
 * parameter at its longest (partition, region, 12-digit account), each Ref of a resource as its
 * literal name (128 characters when CloudFormation names it), each Fn::GetAtt of an ARN as
 * `arn:<partition>:<service>:<region>:<account>:<13 characters>/<name>` (the longest resource
 * prefix of the ARNs in the team's policies being `report-group/`) and each Fn::ImportValue as
 * such an ARN with a 20-character service and a 128-character name: an upper bound of the deployed
 * length. Any other function fails: its longest value is not known.
 */
export function worstCasePolicyLength(json: any, document: unknown): number {
  const name = (logicalId: string) => literalName(json, logicalId) ?? 'n'.repeat(128);
  const longest = (value: any): any => {
    if (Array.isArray(value)) return value.map(longest);
    if (value === null || typeof value !== 'object') return value;
    if (value.Ref !== undefined) {
      if (value.Ref === 'AWS::Partition') return LONGEST.partition;
      if (value.Ref === 'AWS::Region') return LONGEST.region;
      if (value.Ref === 'AWS::AccountId') return LONGEST.account;
      if (String(value.Ref).startsWith('AWS::')) throw new Error(`no longest value for ${value.Ref}`);
      return name(value.Ref);
    }
    if (value['Fn::GetAtt'] !== undefined) {
      const [logicalId, attribute] = value['Fn::GetAtt'];
      if (attribute !== 'Arn') throw new Error(`no longest value for ${logicalId}.${attribute}`);
      const type = json.Resources?.[logicalId]?.Type;
      if (typeof type !== 'string') throw new Error(`no resource ${logicalId} in the template`);
      const service = type.split('::')[1].toLowerCase();
      return `arn:${LONGEST.partition}:${service}:${LONGEST.region}:${LONGEST.account}:${'r'.repeat(13)}/${name(logicalId)}`;
    }
    // A value of another stack: an ARN at most as long as the longest one here, with a 128-character name.
    if (value['Fn::ImportValue'] !== undefined) return `arn:${LONGEST.partition}:${'s'.repeat(20)}:${LONGEST.region}:${LONGEST.account}:${'r'.repeat(13)}/${'n'.repeat(128)}`;
    if (value['Fn::Join'] !== undefined) {
      const parts = longest(value['Fn::Join'][1]) as unknown[];
      if (!parts.every((p) => typeof p === 'string')) throw new Error(`no longest value for ${JSON.stringify(value)}`);
      return parts.join(value['Fn::Join'][0]);
    }
    const other = Object.keys(value).find((k) => k.startsWith('Fn::'));
    if (other) throw new Error(`no longest value for ${other}`);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, longest(v)]));
  };
  return JSON.stringify(longest(document)).replace(/\s/g, '').length;
}

/**
 * What breaks the team policies' rules: an action beyond reading, Git, approvals and the
 * repository's key; the key without the CodeCommit-only condition; an approval allowed without the
 * MFA condition; a policy with approvals and without the Deny of approvals without MFA; a resource
 * with a wildcard anywhere but at the end of a named resource. With `serviceName`, also a resource
 * that does not name the service or one of the template's own resources.
 */
export function teamPolicyViolations(json: any, serviceName?: string): string[] {
  const out: string[] = [];
  for (const [id, r] of teamPolicies(json)) {
    const statements: any[] = r.Properties.PolicyDocument.Statement;
    for (const st of statements.filter((x) => x.Effect === 'Allow')) {
      const actions: string[] = [st.Action].flat();
      for (const a of actions.filter((x) => !TEAM_READ.test(x) && !TEAM_WRITES.includes(x))) out.push(`${id}: team policy grants ${a}`);
      const key = actions.some((a) => a.startsWith('kms:'));
      if (key && !JSON.stringify(st.Condition ?? null).includes('"kms:ViaService":"codecommit.')) out.push(`${id}: the repository key not limited to CodeCommit`);
      if (key && [st.Resource].flat().some((k) => !repositoryKeys(json).includes(JSON.stringify(k)))) out.push(`${id}: a key that no repository of the template uses`);
      if (actions.includes('codepipeline:PutApprovalResult') && JSON.stringify(st.Condition) !== MFA_TRUE) out.push(`${id}: approval without the MFA condition`);
      for (const resource of [st.Resource].flat()) {
        const text = literalText(resource);
        // A wildcard only ends a named resource: the streams of a log group, the tasks of a cluster.
        if (text.replace(/[:/]\*$/, '').includes('*')) out.push(`${id}: wildcard in ${text}`);
        if (serviceName !== undefined && !key && !text.includes(serviceName) && !refersToResource(json, resource)) out.push(`${id}: ${text} is not the service's`);
      }
    }
    const approvals = statements.some((x) => x.Effect === 'Allow' && [x.Action].flat().includes('codepipeline:PutApprovalResult'));
    const deny = statements.some((x) => x.Effect === 'Deny' && [x.Action].flat().includes('codepipeline:PutApprovalResult') && JSON.stringify(x.Condition) === MFA_ABSENT_OR_FALSE);
    if (approvals && !deny) out.push(`${id}: no Deny of approvals without MFA`);
  }
  return out;
}

/** The KMS keys of the template's CodeCommit repositories, as JSON. */
function repositoryKeys(json: any): string[] {
  return Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::CodeCommit::Repository' && r.Properties.KmsKeyId !== undefined)
    .map((r) => JSON.stringify(r.Properties.KmsKeyId));
}

/** A resource as text: its literal parts, each Ref or GetAtt as `<logicalId>`. */
function literalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(literalText).join('');
  const v = value as Record<string, any>;
  if (v?.['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map(literalText).join(v['Fn::Join'][0]);
  if (v?.Ref) return `<${v.Ref}>`;
  if (v?.['Fn::GetAtt']) return `<${v['Fn::GetAtt'][0]}>`;
  return JSON.stringify(value);
}

/** Whether a resource is (or is built from) a Ref or GetAtt of a resource of the template. */
function refersToResource(json: any, resource: unknown): boolean {
  return [...literalText(resource).matchAll(/<([A-Za-z0-9]+)>/g)].some((m) => json.Resources[m[1]] !== undefined);
}
