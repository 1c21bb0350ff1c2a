import { execFileSync } from 'child_process';
import * as path from 'path';
import * as root from '../../src';
import * as cdkApp from '../../src/cdk-app';

const ROOT = path.resolve(__dirname, '..', '..');

describe('the cdk-app entry point of generated CDK apps', () => {
  test('exports the same service, stack and gates classes as the package root', () => {
    for (const name of ['CicdService', 'DeliveryStack', 'EnvironmentStack', 'QualityGates'] as const) {
      expect([name, typeof cdkApp[name]]).toEqual([name, 'function']);
      expect(cdkApp[name]).toBe(root[name]);
    }
  });

  test('loads aws-cdk-lib but not projen, while the package root loads both', () => {
    const loaded = (entry: string): string[] => JSON.parse(execFileSync(process.execPath, [
      '-r', 'ts-node/register/transpile-only', '-e',
      `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)))`,
    ], { cwd: ROOT, encoding: 'utf-8' }));
    const packages = (files: string[]) => ['projen', 'aws-cdk-lib'].filter((p) => files.some((f) => f.includes(`/node_modules/${p}/`)));
    expect(packages(loaded('./src/cdk-app'))).toEqual(['aws-cdk-lib']);
    expect(packages(loaded('./src'))).toEqual(['projen', 'aws-cdk-lib']);
  });
});
