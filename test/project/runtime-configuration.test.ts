import { synth } from './helpers';

const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf:password::';

describe('variables, secrets and ECS Exec in the generated repository', () => {
  test('src/service-settings.ts carries them, service-wide and per environment, the maps sorted by name', () => {
    const settings: string = synth({
      environment: { LOG_LEVEL: 'info', GREETING: 'Hello' },
      secrets: { DB_PASSWORD: SECRET },
      enableExecuteCommand: false,
      environments: [{ name: 'production', secrets: { B: SECRET, A: SECRET }, enableExecuteCommand: true }],
    })['src/service-settings.ts'];
    expect(settings).toContain([
      '  environments: [',
      '    {',
      '      name: \'production\',',
      '      secrets: {',
      `        A: '${SECRET}',`,
      `        B: '${SECRET}',`,
      '      },',
      '      enableExecuteCommand: true,',
      '    },',
      '  ],',
      '  environment: {',
      '    GREETING: \'Hello\',',
      '    LOG_LEVEL: \'info\',',
      '  },',
      '  secrets: {',
      `    DB_PASSWORD: '${SECRET}',`,
      '  },',
      '  enableExecuteCommand: false,',
    ].join('\n'));
  });

  test('without them, the settings file names none', () => {
    const settings: string = synth()['src/service-settings.ts'];
    for (const option of ['environment:', 'secrets:', 'secretsKeyArn', 'enableExecuteCommand']) expect([option, settings.includes(option)]).toEqual([option, false]);
  });

  test('a variable may share its name with a dockerRuntimeEnv one: the image keeps its value, the task definition sets its own', () => {
    const files = synth({ dockerRuntimeEnv: { LOG_LEVEL: 'debug' }, environment: { LOG_LEVEL: 'info' } });
    expect(files.Dockerfile).toContain('ENV LOG_LEVEL="debug"');
    expect(files['src/service-settings.ts']).toContain('LOG_LEVEL: \'info\'');
  });

  test('the operating guide explains them with the service\'s names', () => {
    const guide: string = synth()['docs/operations.md'];
    expect(guide).toContain('## Configuration: variables and secrets');
    expect(guide).toContain('## A shell in a running container (ECS Exec)');
    expect(guide).toContain('aws ecs execute-command --cluster orders-api-<environment> --task "$TASK" --container orders-api --interactive --command "/bin/sh"');
    expect(guide).toContain('/ecs/orders-api/<environment>/exec');
  });
});
