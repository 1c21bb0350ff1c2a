/**
 * The IAM walk over a synthesized template: every Allow statement of every identity policy, and the
 * rules that least privilege means for the service's stacks. Shared by the pipeline's IAM test and
 * the quality matrix and property tests.
 */

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
