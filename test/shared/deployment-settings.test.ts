import { DEPLOYMENT_OVERHEAD_MINUTES, resolveDeployment, ROLLOUT_ACTION_MAX_MINUTES } from '../../src/shared/deployment-settings';
import { resolveServiceSettings } from '../../src/shared/service-settings';

describe('resolveDeployment', () => {
  test('each strategy with its defaults, and the time the rollout action gives it', () => {
    expect(resolveDeployment('d', { strategy: 'rolling' })).toEqual({ strategy: 'rolling', bakeTimeMinutes: 0, waitMinutes: 0, rolloutTimeoutMinutes: 30 });
    expect(resolveDeployment('d', { strategy: 'blue-green' })).toEqual({ strategy: 'blue-green', bakeTimeMinutes: 10, waitMinutes: 10, rolloutTimeoutMinutes: 60 });
    expect(resolveDeployment('d', { strategy: 'canary' })).toEqual({
      strategy: 'canary', bakeTimeMinutes: 10, canaryPercent: 10, canaryBakeTimeMinutes: 5, waitMinutes: 15, rolloutTimeoutMinutes: 60,
    });
    // Four steps of 25%, 3 minutes each, then the bake time.
    expect(resolveDeployment('d', { strategy: 'linear' })).toEqual({
      strategy: 'linear', bakeTimeMinutes: 10, linearStepPercent: 25, linearStepBakeTimeMinutes: 3, waitMinutes: 22, rolloutTimeoutMinutes: 60,
    });
  });

  test('the longest waits that fit: 45 minutes in all, the rest of the hour for starting and checking the tasks', () => {
    expect(ROLLOUT_ACTION_MAX_MINUTES - DEPLOYMENT_OVERHEAD_MINUTES).toBe(45);
    expect(resolveDeployment('d', { strategy: 'blue-green', bakeTimeMinutes: 45 }).waitMinutes).toBe(45);
    expect(resolveDeployment('d', { strategy: 'canary', bakeTimeMinutes: 40, canaryBakeTimeMinutes: 5 }).waitMinutes).toBe(45);
    expect(resolveDeployment('d', { strategy: 'linear', linearStepPercent: 10, linearStepBakeTimeMinutes: 4, bakeTimeMinutes: 5 }).waitMinutes).toBe(45);
    expect(() => resolveDeployment('environments[1].deployment', { strategy: 'canary', bakeTimeMinutes: 41, canaryBakeTimeMinutes: 5 }))
      .toThrow(/^Invalid option "environments\[1\]\.deployment": got .*; expected a bake time and canary or linear waits of at most 45 minutes in all, not 46/);
    // 3% steps: 34 waits of 2 minutes.
    expect(() => resolveDeployment('deployment', { strategy: 'linear', linearStepPercent: 3, linearStepBakeTimeMinutes: 2, bakeTimeMinutes: 0 })).toThrow(/not 68/);
  });

  test('percentages in steps of 0.5: every one passes the templates\' schema check (multipleOf 0.1 by floating-point division)', () => {
    expect(resolveDeployment('d', { strategy: 'canary', canaryPercent: 0.5 }).canaryPercent).toBe(0.5);
    expect(resolveDeployment('d', { strategy: 'canary', canaryPercent: 99.5 }).canaryPercent).toBe(99.5);
    expect(resolveDeployment('d', { strategy: 'linear', linearStepPercent: 100 }).waitMinutes).toBe(13);
    expect(() => resolveDeployment('d', { strategy: 'canary', canaryPercent: 0.3 })).toThrow('Invalid option "d.canaryPercent": got 0.3; expected a percentage from 0.5 to 99.5 in steps of 0.5.');
    expect(() => resolveDeployment('d', { strategy: 'linear', linearStepPercent: 50.9 })).toThrow('expected a percentage from 3 to 100 in steps of 0.5.');
    // What cfn-lint's multipleOf does: 0.3 / 0.1 is not a whole number in floating point.
    expect(Number.isInteger(0.3 / 0.1)).toBe(false);
    for (let half = 1; half <= 200; half++) expect([half / 2, Number.isInteger(half / 2 / 0.1)]).toEqual([half / 2, true]);
  });
});

describe('per environment', () => {
  const strategies = (input: Record<string, unknown>) => resolveServiceSettings({ serviceName: 'orders', ...input }).environments.map((e) => e.deployment.strategy);

  test('default: rolling until the last environment, canary in it', () => {
    expect(strategies({})).toEqual(['rolling', 'canary']);
    expect(strategies({ environments: [{ name: 'production' }] })).toEqual(['canary']);
    expect(strategies({ environments: [{ name: 'dev' }, { name: 'test' }, { name: 'production', requireApproval: true }] })).toEqual(['rolling', 'rolling', 'canary']);
  });

  test('a service-wide deployment for every environment without its own; an environment\'s own wins', () => {
    expect(strategies({ deployment: { strategy: 'linear' } })).toEqual(['linear', 'linear']);
    expect(strategies({ deployment: { strategy: 'blue-green' }, environments: [{ name: 'dev', deployment: { strategy: 'rolling' } }, { name: 'production' }] }))
      .toEqual(['rolling', 'blue-green']);
  });

  test('errors name the option that was given', () => {
    expect(() => resolveServiceSettings({ serviceName: 'orders', deployment: { strategy: 'canary', linearStepPercent: 10 } }))
      .toThrow(/^Invalid option "deployment\.linearStepPercent": got 10; expected no linearStepPercent for strategy "canary" \(it belongs to "linear"\)/);
    expect(() => resolveServiceSettings({ serviceName: 'orders', environments: [{ name: 'a1' }, { name: 'b1', deployment: { strategy: 'rolling', bakeTimeMinutes: 5 } }] }))
      .toThrow(/^Invalid option "environments\[1\]\.deployment\.bakeTimeMinutes": got 5; expected no bakeTimeMinutes for strategy "rolling"/);
    expect(() => resolveServiceSettings({ serviceName: 'orders', environments: [{ name: 'a1', deployment: { strategy: 'Canary' } }] }))
      .toThrow('Invalid option "environments[0].deployment.strategy": got "Canary"; expected one of "rolling", "blue-green", "canary", "linear".');
  });
});
