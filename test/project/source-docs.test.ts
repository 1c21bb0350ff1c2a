import { synth } from './helpers';
import { readSettingsObject } from '../quality/generated';

const ARN = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

describe('a repository whose source is a connection', () => {
  const files = synth({ source: { connectionArn: ARN, repository: 'platform/payments/orders-api', excludedPaths: ['docs/**', 'CHANGELOG.md'] } });
  const codeCommit = synth();
  const guide: string = files['docs/operations.md'];

  test('its settings file carries the source as .projenrc.ts gave it', () => {
    expect(readSettingsObject(files['src/service-settings.ts'], 'serviceSettings').source).toEqual({
      connectionArn: ARN, repository: 'platform/payments/orders-api', excludedPaths: ['docs/**', 'CHANGELOG.md'],
    });
    expect(readSettingsObject(codeCommit['src/service-settings.ts'], 'serviceSettings').source).toBeUndefined();
  });

  test('the guide explains how to create and authorize the connection, and where its ARN goes', () => {
    expect(guide).toContain('## Connect the repository');
    expect(guide).toContain('aws codeconnections create-connection --provider-type GitHub --connection-name orders-api');
    expect(guide).toContain('*Update pending connection*');
    expect(guide).toContain("source: { connectionArn: '<ARN>', repository: 'platform/payments/orders-api' }");
    expect(guide).toContain(`aws codeconnections get-connection --connection-arn ${ARN}`);
    expect(guide).toContain('unless every file it changes matches one of\n`docs/**`, `CHANGELOG.md`');
    // The connection is ready before the first deploy, whose pipeline run reads it.
    expect(guide.indexOf('## Connect the repository')).toBeLessThan(guide.indexOf('## Deploy'));
  });

  test('neither the guide nor the README sends the team to CodeCommit', () => {
    expect(guide).not.toMatch(/codecommit/i);
    expect(files['README.md']).not.toMatch(/codecommit/i);
    expect(files['README.md']).toContain('`platform/payments/orders-api` (through an AWS CodeConnections connection)');
    expect(guide).toContain('git remote add origin <the clone URL of platform/payments/orders-api>');
    expect(guide).toContain('git push -u origin main');
  });

  test('a CodeCommit repository keeps its guide, with no word of connections', () => {
    const cc: string = codeCommit['docs/operations.md'];
    expect(cc).toContain('## Push the code to CodeCommit');
    expect(cc).toContain('git remote add origin codecommit::<region>://orders-api');
    expect(cc).not.toMatch(/codeconnections|UseConnection/i);
    expect(cc).not.toContain('## Connect the repository');
  });

  test('an empty excludedPaths says that every push starts the pipeline', () => {
    const every: string = synth({ source: { connectionArn: ARN, repository: 'acme/orders', excludedPaths: [] } })['docs/operations.md'];
    expect(every).toContain('Every push to `main` starts the pipeline');
    expect(every).toContain('| Source | the push to `main` |');
  });

  test('buildspec.yml is the same for either source: the pipeline hands it the commit ID', () => {
    expect(files['buildspec.yml']).toBe(codeCommit['buildspec.yml']);
  });
});
