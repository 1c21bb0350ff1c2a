import { customizedStack, defaultStack, Synthesized } from './stacks';

/**
 * The only actions that may be granted on `Resource: "*"`, each with the reason. Everything else
 * must name its resources.
 */
const WILDCARD_RESOURCE_ALLOWLIST: Record<string, string> = {
  'ecr:GetAuthorizationToken': 'ECR issues registry tokens per account: the action has no resource type',
  'ecs:DescribeTaskDefinition': 'no resource-level permissions (ServiceImage reads the running image; the ECS deploy action reads the current revision)',
  'ecs:RegisterTaskDefinition': 'no resource-level permissions (the ECS deploy action registers the new revision)',
  'ecs:ListTasks': 'no resource type of its own; the statement is limited to the cluster by an ecs:cluster condition',
  'codepipeline:PutJobSuccessResult': 'no resource-level permissions (EnsureRunning reports its result)',
  'codepipeline:PutJobFailureResult': 'no resource-level permissions (EnsureRunning reports its result)',
  'lambda:ListFunctions': 'no resource-level permissions; CodePipeline\'s Lambda invoke action requires it',
};

interface Grant {
  readonly policy: string;
  readonly actions: string[];
  readonly resources: unknown[];
  readonly condition?: unknown;
}

/** Every Allow statement of every identity policy in the template. */
function grants(json: any): Grant[] {
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

describe.each([
  ['default', defaultStack],
  ['customized', customizedStack],
])('IAM of the %s stack', (_name, make) => {
  let s: Synthesized;
  let all: Grant[];
  beforeAll(() => {
    s = make();
    all = grants(s.json);
  });

  test('there are policies to check', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  test('no action wildcard: neither "*" nor "service:*"', () => {
    const offending = all.flatMap((g) => g.actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a)).map((a) => `${g.policy}: ${a}`));
    expect(offending).toEqual([]);
  });

  test('Resource "*" only for the allowlisted actions', () => {
    const used = new Set<string>();
    const offending: string[] = [];
    for (const g of all.filter((x) => x.resources.includes('*'))) {
      for (const action of g.actions) {
        if (WILDCARD_RESOURCE_ALLOWLIST[action]) used.add(action);
        else offending.push(`${g.policy}: ${action}`);
      }
    }
    expect(offending).toEqual([]);
    console.log(`Actions granted on Resource "*":\n${[...used].sort().map((a) => `  ${a}: ${WILDCARD_RESOURCE_ALLOWLIST[a]}`).join('\n')}`);
    // Every allowlisted action is one that the stack needs: the list holds nothing stale.
    expect([...used].sort()).toEqual(Object.keys(WILDCARD_RESOURCE_ALLOWLIST).sort());
  });

  test('ecs:ListTasks on "*" is always limited to the stack\'s cluster', () => {
    const list = all.filter((g) => g.actions.includes('ecs:ListTasks'));
    expect(list.length).toBeGreaterThan(0);
    for (const g of list) {
      expect(JSON.stringify(g.condition)).toContain(`:cluster/${s.stack._settings.serviceName}`);
      expect(g.actions).toEqual(['ecs:ListTasks']);
    }
  });

  test('iam:PassRole only for the task roles, only to ECS tasks', () => {
    const pass = all.filter((g) => g.actions.includes('iam:PassRole'));
    expect(pass.length).toBeGreaterThan(0);
    const taskDef = Object.values<any>(s.json.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    for (const g of pass) {
      expect(g.resources).toHaveLength(2);
      expect(g.resources).toEqual(expect.arrayContaining([taskDef.Properties.TaskRoleArn, taskDef.Properties.ExecutionRoleArn]));
      expect(g.condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    }
  });

  test('the walk catches a wildcard action', () => {
    const planted = JSON.parse(JSON.stringify(s.json));
    const policy = Object.values<any>(planted.Resources).find((r) => r.Type === 'AWS::IAM::Policy');
    policy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const found = grants(planted).filter((g) => g.actions.includes('s3:*'));
    expect(found).toHaveLength(1);
    expect(found[0].resources).toEqual(['*']);
  });
});
