import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { HOSTILE_INPUTS } from './hostile-input';
import { CicdPipelineStack, CicdPipelineStackProps, CicdServiceProject, CicdServiceProjectOptions } from '../../src';

const cases = Object.entries(HOSTILE_INPUTS).flatMap(([option, values]) => values.map((value) => [option, value] as const));

describe('hostile input', () => {
  test.each(cases)('the project type rejects %s = %p by name, writing nothing', (option, value) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    fs.writeFileSync(path.join(outdir, 'keep.txt'), 'user file');
    const options = { name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, [option]: value } as CicdServiceProjectOptions;
    expect(() => new CicdServiceProject(options)).toThrow(new RegExp(`^Invalid option "${option}": got .+; expected .+\\.$`, 's'));
    expect(fs.readdirSync(outdir)).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(outdir, 'keep.txt'), 'utf-8')).toBe('user file');
  });

  test.each(cases)('the pipeline stack rejects %s = %p by name', (option, value) => {
    const props = { serviceName: 'orders', [option]: value } as unknown as CicdPipelineStackProps;
    expect(() => new CicdPipelineStack(new App(), 'stack', props)).toThrow(new RegExp(`^Invalid option "${option}"`));
  });

  test('error messages stay short for huge values', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    let message = '';
    try {
      new CicdServiceProject({ name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, serviceName: 'x'.repeat(100000) });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^Invalid option "serviceName"/);
    expect(message.length).toBeLessThan(400);
  });
});
