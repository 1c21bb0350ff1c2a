import { synth } from './helpers';

describe('the generated repository and deployment strategies', () => {
  test('default: the guide gives each environment\'s strategy, explains the progressive one and how to watch it', () => {
    const guide: string = synth()['docs/operations.md'];
    expect(guide).toContain('| `staging` | rolling | ECS replaces the tasks a few at a time;');
    expect(guide).toContain('| `production` | canary | the new tasks are checked on the test listener, take 10% of production traffic for 5 minutes, then all of it; the old tasks keep running 10 minutes more (bake time), then stop |');
    expect(guide).toContain('aws ecs list-service-deployments --cluster <stack name> --service <stack name>');
    expect(guide).toContain('| Approve-production | waits for an approval');
    expect(guide).toContain('--stage-name Approve-<environment>');
    expect(guide).toContain('CodePipeline rolls that stage back by itself');
  });

  test('only rolling updates: no word of test listeners', () => {
    const guide: string = synth({ deployment: { strategy: 'rolling' } })['docs/operations.md'];
    expect(guide).toContain('| `production` | rolling |');
    expect(guide).not.toContain('test listener');
    expect(guide).toContain('CodePipeline rolls that stage back by itself');
  });

  test('the app\'s settings carry the deployments as .projenrc.ts gives them, fields in their declared order', () => {
    const files = synth({
      deployment: { linearStepBakeTimeMinutes: 2, strategy: 'linear' },
      environments: [{ name: 'staging', deployment: { canaryBakeTimeMinutes: 1, canaryPercent: 12.5, strategy: 'canary' } }, { name: 'production' }],
    });
    const settings: string = files['src/service-settings.ts'];
    expect(settings).toContain([
      '      deployment: {',
      '        strategy: \'canary\',',
      '        canaryPercent: 12.5,',
      '        canaryBakeTimeMinutes: 1,',
      '      },',
    ].join('\n'));
    expect(settings).toContain('  deployment: {\n    strategy: \'linear\',\n    linearStepBakeTimeMinutes: 2,\n  },');
    expect(files['docs/operations.md']).toContain('| `production` | linear | the new tasks are checked on the test listener, then take 25% more of production traffic every 2 minutes;');
  });
});
