import { synth } from './helpers';
import { CONTAINER_USER } from '../../src/shared/hardening-settings';

test('the Dockerfile runs the image as the user that the task definitions name', () => {
  const files = synth();
  expect([...String(files.Dockerfile).matchAll(/^USER\s+(\S+)$/gm)].map((m) => m[1])).toEqual([CONTAINER_USER]);
});

test('the settings file carries production and the retentions as .projenrc.ts gives them', () => {
  const files = synth({
    logRetentionDays: 731,
    environments: [{ name: 'staging', logRetentionDays: 30 }, { name: 'production', production: true, requireApproval: true }],
  });
  const settings: string = files['src/service-settings.ts'];
  expect(settings).toContain('logRetentionDays: 731,');
  expect(settings).toMatch(/name: 'staging',\n\s+logRetentionDays: 30,/);
  expect(settings).toMatch(/name: 'production',\n\s+requireApproval: true,\n\s+production: true,/);
  // Without the options, none of them is written: the defaults apply on the CDK side too.
  const plain: string = synth()['src/service-settings.ts'];
  expect(plain).not.toMatch(/logRetentionDays|production:/);
});

describe('the operating guide', () => {
  test('names the production environments, the retentions, the user and the read-only root filesystem', () => {
    const guide: string = synth({
      logRetentionDays: 0,
      environments: [{ name: 'staging', logRetentionDays: 7 }, { name: 'eu', production: true }, { name: 'us' }],
    })['docs/operations.md'];
    expect(guide).toContain('The load balancer of a production environment (`eu`, `us`) is protected from deletion');
    expect(guide).toContain('first set `production: false` on it in `.projenrc.ts`');
    expect(guide).toContain('`npx cdk destroy orders-api-<environment>`');
    expect(guide).toMatch(/`staging` 7 days;\n\s+`eu` forever \(no expiry\);\n\s+`us` forever \(no expiry\);\n\s+the build and the pipeline's functions forever \(no expiry\)/);
    expect(guide).toContain(`runs the container as \`${CONTAINER_USER}\``);
    expect(guide).toContain('**read-only root filesystem**');
  });

  test('without a production environment, says none and leaves the removal steps out', () => {
    const guide: string = synth({ environments: [{ name: 'staging' }, { name: 'production', production: false }] })['docs/operations.md'];
    expect(guide).toContain('Production environments (none)');
    expect(guide).not.toContain('The load balancer of a production environment');
  });
});
