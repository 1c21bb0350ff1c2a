import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CicdPipelineStack, CicdPipelineStackProps } from '../../src';
import { InvalidOptionError } from '../../src/shared/service-settings';

/** Constructs the stack in a fresh app; returns the app's output directory. */
function construct(props: CicdPipelineStackProps): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-pipeline-validation-'));
  new CicdPipelineStack(new App({ outdir }), 'x', props);
  return outdir;
}

describe('invalid props are rejected in the constructor, naming the prop, the value and what is allowed', () => {
  test.each([
    ['serviceName', { serviceName: 'Orders_API' }, /"serviceName": got "Orders_API"; expected .*lowercase/],
    ['containerPort', { serviceName: 'orders', containerPort: 80 }, /"containerPort": got 80; expected an integer from 1024 to 65535/],
    ['cpu', { serviceName: 'orders', cpu: 300 }, /"cpu": got 300; expected .*256, 512/],
    ['memory', { serviceName: 'orders', cpu: 256, memory: 4096 }, /"memory": got 4096; expected .*256 CPU units/],
    ['maxCount', { serviceName: 'orders', desiredCount: 3, maxCount: 2 }, /"maxCount": got 2; expected an integer from desiredCount \(3\)/],
    ['branch', { serviceName: 'orders', branch: 'a..b' }, /"branch": got "a..b"/],
    ['buildImage', { serviceName: 'orders', buildImage: 'Not An Image' }, /"buildImage": got "Not An Image"/],
    ['imagesToKeep', { serviceName: 'orders', imagesToKeep: 0 }, /"imagesToKeep": got 0; expected an integer from 1 to 1000/],
    ['imagesToKeep (fraction)', { serviceName: 'orders', imagesToKeep: 2.5 }, /"imagesToKeep": got 2.5/],
    ['artifactRetentionDays', { serviceName: 'orders', artifactRetentionDays: 0 }, /"artifactRetentionDays": got 0; expected an integer from 1 to 3650/],
    ['targetCpuUtilization', { serviceName: 'orders', targetCpuUtilization: 95 }, /"targetCpuUtilization": got 95; expected an integer from 10 to 90/],
  ] as Array<[string, CicdPipelineStackProps, RegExp]>)('%s', (_option, props, message) => {
    let thrown: unknown;
    try {
      construct(props);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidOptionError);
    expect((thrown as Error).message).toMatch(message);
  });

  test('nothing is added to the app before the error', () => {
    const app = new App();
    expect(() => new CicdPipelineStack(app, 'x', { serviceName: 'orders', imagesToKeep: -1 })).toThrow(InvalidOptionError);
    expect(app.node.children).toHaveLength(0);
  });

  test('valid boundary values are accepted', () => {
    expect(() => construct({ serviceName: 'orders', imagesToKeep: 1, artifactRetentionDays: 3650, targetCpuUtilization: 90 })).not.toThrow();
  });
});
