import { Grant, grants, iamViolations, WILDCARD_RESOURCE_ALLOWLIST } from './iam-walk';
import { customizedStack, defaultStack, Synthesized } from './stacks';

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

  test('the template has no IAM violation, and a planted one is reported', () => {
    expect(iamViolations(s.json, s.stack._settings.serviceName)).toEqual([]);
    const planted = JSON.parse(JSON.stringify(s.json));
    const policy = Object.values<any>(planted.Resources).find((r) => r.Type === 'AWS::IAM::Policy');
    policy.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Action: ['s3:GetObject', 'ecs:ListTasks', 'iam:PassRole'], Resource: '*' });
    expect(iamViolations(planted, s.stack._settings.serviceName)).toEqual([
      expect.stringContaining('s3:GetObject on Resource "*"'),
      expect.stringContaining('iam:PassRole on Resource "*"'),
      expect.stringContaining('ecs:ListTasks not limited'),
      expect.stringContaining('iam:PassRole beyond the task roles'),
      expect.stringContaining('iam:PassRole not limited to ECS tasks'),
    ]);
  });
});
