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
};

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
      // Managed policies attached by ARN would escape this walk: the stack attaches none.
      expect([id, r.Properties.ManagedPolicyArns]).toEqual([id, undefined]);
    }
  }
  return out;
}

/**
 * What breaks least privilege in a template of the service: action wildcards, `Resource: "*"` for
 * an action outside the allowlist, `ecs:ListTasks` not limited to the template's own cluster,
 * `iam:PassRole` beyond the template's task roles and ECS tasks, any `codecommit:Merge*`, a
 * `codecommit:GitPush` not limited to branches. Empty when the template is clean.
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
  return out;
}

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
