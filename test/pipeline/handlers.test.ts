import { EventEmitter } from 'events';
/* eslint-disable @typescript-eslint/no-require-imports */
// The module object itself (not an import namespace), so that its `request` can be replaced.
const https = require('https');
// The handlers are plain JavaScript, shipped as they are; they have no type declarations.
const handlers = require('../../src/pipeline/handlers/index.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const PROPS = {
  ClusterName: 'orders',
  ServiceName: 'orders',
  ContainerName: 'orders',
  RepositoryName: 'orders',
  RepositoryUri: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders',
  DesiredCount: '2',
  Nonce: '1',
};
const URI = PROPS.RepositoryUri;
const DIGEST = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

function awsError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

interface Fake {
  services?: any[] | Error;
  taskDefinitions?: Record<string, any>;
  imagePages?: any[][] | Error;
}

/** Stub clients that answer from `fake` and record every call. */
function stubs(fake: Fake) {
  const calls: Array<[string, any]> = [];
  const api = {
    ecs: {
      describeServices: async (input: any) => {
        calls.push(['describeServices', input]);
        if (fake.services instanceof Error) throw fake.services;
        return { services: fake.services ?? [], failures: fake.services?.length ? [] : [{ reason: 'MISSING' }] };
      },
      describeTaskDefinition: async (input: any) => {
        calls.push(['describeTaskDefinition', input]);
        return { taskDefinition: fake.taskDefinitions?.[input.taskDefinition] };
      },
      updateService: async (input: any) => {
        calls.push(['updateService', input]);
        return {};
      },
    },
    ecr: {
      describeImages: async (input: any) => {
        calls.push(['describeImages', input]);
        if (fake.imagePages instanceof Error) throw fake.imagePages;
        const pages = fake.imagePages ?? [[]];
        const index = input.nextToken ? Number(input.nextToken) : 0;
        return { imageDetails: pages[index], nextToken: index + 1 < pages.length ? String(index + 1) : undefined };
      },
    },
    codepipeline: {
      putJobSuccessResult: async (input: any) => {
        calls.push(['putJobSuccessResult', input]);
      },
      putJobFailureResult: async (input: any) => {
        calls.push(['putJobFailureResult', input]);
      },
    },
  };
  return { api, calls };
}

// The handlers log for CloudWatch; keep the test output quiet.
beforeAll(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterAll(() => jest.restoreAllMocks());

const taskDef = (image: string) => ({ containerDefinitions: [{ name: 'sidecar', image: 'busybox' }, { name: 'orders', image }] });

describe('ServiceImage: resolveServiceImage', () => {
  test('first deploy, no service and no image: bootstrap placeholder, no task', async () => {
    const { api, calls } = stubs({ services: awsError('ClusterNotFoundException'), imagePages: [[]] });
    expect(await handlers.resolveServiceImage(api, PROPS)).toEqual({
      Image: `${URI}:bootstrap`, DesiredCount: 0, MinCapacity: 0, Bootstrap: 'true',
    });
    expect(calls.map(([name]) => name)).toEqual(['describeServices', 'describeImages']);
    expect(calls[0][1]).toEqual({ cluster: 'orders', services: ['orders'] });
  });

  test('no service yet but images pushed: the most recently pushed one, by digest', async () => {
    const { api } = stubs({
      services: [],
      imagePages: [
        [{ imageDigest: DIGEST(1), imagePushedAt: new Date('2026-01-01T00:00:00Z') }],
        [{ imageDigest: DIGEST(3), imagePushedAt: new Date('2026-03-01T00:00:00Z') }, { imageDigest: DIGEST(2), imagePushedAt: new Date('2026-02-01T00:00:00Z') }],
      ],
    });
    expect(await handlers.resolveServiceImage(api, PROPS)).toEqual({
      Image: `${URI}@${DIGEST(3)}`, DesiredCount: 2, MinCapacity: 2, Bootstrap: 'false',
    });
  });

  test('a running service keeps its image and its current desired count (autoscaling is not reset)', async () => {
    const { api, calls } = stubs({
      services: [{ serviceName: 'orders', status: 'ACTIVE', desiredCount: 5, taskDefinition: 'arn:td/orders:7' }],
      taskDefinitions: { 'arn:td/orders:7': taskDef(`${URI}:abc1234`) },
      imagePages: [[{ imageDigest: DIGEST(9), imagePushedAt: new Date() }]],
    });
    expect(await handlers.resolveServiceImage(api, PROPS)).toEqual({
      Image: `${URI}:abc1234`, DesiredCount: 5, MinCapacity: 2, Bootstrap: 'false',
    });
    expect(calls.map(([name]) => name)).not.toContain('describeImages');
  });

  test('a service still on the placeholder takes the latest pushed image and the configured count', async () => {
    const { api } = stubs({
      services: [{ serviceName: 'orders', status: 'ACTIVE', desiredCount: 0, taskDefinition: 'arn:td/orders:1' }],
      taskDefinitions: { 'arn:td/orders:1': taskDef(`${URI}:bootstrap`) },
      imagePages: [[{ imageDigest: DIGEST(4), imagePushedAt: new Date() }]],
    });
    expect(await handlers.resolveServiceImage(api, PROPS)).toEqual({
      Image: `${URI}@${DIGEST(4)}`, DesiredCount: 2, MinCapacity: 2, Bootstrap: 'false',
    });
  });

  test('a service scaled to 0 with a real image gets the configured count back', async () => {
    const { api } = stubs({
      services: [{ serviceName: 'orders', status: 'ACTIVE', desiredCount: 0, taskDefinition: 'arn:td/orders:3' }],
      taskDefinitions: { 'arn:td/orders:3': taskDef(`${URI}:def5678`) },
    });
    expect(await handlers.resolveServiceImage(api, PROPS)).toEqual({
      Image: `${URI}:def5678`, DesiredCount: 2, MinCapacity: 2, Bootstrap: 'false',
    });
  });

  test('an INACTIVE (deleted) service counts as absent', async () => {
    const { api, calls } = stubs({
      services: [{ serviceName: 'orders', status: 'INACTIVE', desiredCount: 3, taskDefinition: 'arn:td/orders:3' }],
      imagePages: [[]],
    });
    expect((await handlers.resolveServiceImage(api, PROPS)).Bootstrap).toBe('true');
    expect(calls.map(([name]) => name)).not.toContain('describeTaskDefinition');
  });

  test('other AWS errors fail the deploy instead of deploying a placeholder', async () => {
    const { api } = stubs({ services: awsError('AccessDeniedException') });
    await expect(handlers.resolveServiceImage(api, PROPS)).rejects.toThrow('AccessDeniedException');
  });

  test('an invalid desired count is rejected', async () => {
    const { api } = stubs({});
    await expect(handlers.resolveServiceImage(api, { ...PROPS, DesiredCount: '0' })).rejects.toThrow(/DesiredCount must be a positive integer/);
  });
});

describe('ServiceImage: custom resource events', () => {
  afterEach(() => handlers.setClients(undefined));

  test('Delete answers SUCCESS without calling AWS; a failure answers FAILED with the reason', async () => {
    const bodies: any[] = [];
    const spy = jest.spyOn(https, 'request').mockImplementation((...args: any[]) => {
      const callback = args[args.length - 1];
      const request: any = new EventEmitter();
      request.end = (body: string) => {
        bodies.push({ options: args[0], body: JSON.parse(body) });
        const response: any = new EventEmitter();
        response.resume = () => undefined;
        callback(response);
        response.emit('end');
      };
      return request;
    });
    try {
      const { api, calls } = stubs({ services: awsError('AccessDeniedException') });
      handlers.setClients(api);
      const event = {
        ResponseURL: 'https://cloudformation-custom-resource-response.example/path?sig=1',
        StackId: 'stack',
        RequestId: 'req',
        LogicalResourceId: 'ServiceImage',
        ResourceProperties: PROPS,
      };
      await handlers.serviceImage({ ...event, RequestType: 'Delete', PhysicalResourceId: 'orders/orders/image' });
      expect(calls).toEqual([]);
      await handlers.serviceImage({ ...event, RequestType: 'Update', PhysicalResourceId: 'orders/orders/image' });
      expect(bodies.map((b) => b.body.Status)).toEqual(['SUCCESS', 'FAILED']);
      expect(bodies[1].body.Reason).toContain('AccessDeniedException');
      expect(bodies[1].body.PhysicalResourceId).toBe('orders/orders/image');
      expect(bodies[0].options).toEqual(expect.objectContaining({ method: 'PUT', hostname: 'cloudformation-custom-resource-response.example', path: '/path?sig=1' }));
    } finally {
      spy.mockRestore();
    }
  });
});

describe('EnsureRunning', () => {
  const params = { clusterName: 'orders', serviceName: 'orders', desiredCount: 2 };
  const job = (userParameters: string) => ({
    'CodePipeline.job': { id: 'job-1', data: { actionConfiguration: { configuration: { UserParameters: userParameters } } } },
  });
  afterEach(() => handlers.setClients(undefined));

  test('starts a service that runs no task, and reports success', async () => {
    const { api, calls } = stubs({ services: [{ serviceName: 'orders', status: 'ACTIVE', desiredCount: 0 }] });
    handlers.setClients(api);
    await handlers.ensureRunning(job(JSON.stringify(params)));
    expect(calls.filter(([name]) => name !== 'describeServices')).toEqual([
      ['updateService', { cluster: 'orders', service: 'orders', desiredCount: 2 }],
      ['putJobSuccessResult', { jobId: 'job-1' }],
    ]);
  });

  test('leaves a running service alone', async () => {
    const { api, calls } = stubs({ services: [{ serviceName: 'orders', status: 'ACTIVE', desiredCount: 4 }] });
    expect(await handlers.ensureDesiredCount(api, params)).toMatch(/runs 4 task/);
    expect(calls.map(([name]) => name)).toEqual(['describeServices']);
  });

  test('reports failure when the service is missing or the parameters are wrong', async () => {
    const { api, calls } = stubs({ services: [] });
    handlers.setClients(api);
    await handlers.ensureRunning(job(JSON.stringify(params)));
    await handlers.ensureRunning(job('not json'));
    await handlers.ensureRunning(job(JSON.stringify({ ...params, desiredCount: -1 })));
    const failures = calls.filter(([name]) => name === 'putJobFailureResult').map(([, input]) => input.failureDetails.message);
    expect(failures).toHaveLength(3);
    expect(failures[0]).toMatch(/not found/);
    expect(failures[2]).toMatch(/desiredCount must be a positive integer/);
    expect(calls.map(([name]) => name)).not.toContain('updateService');
    expect(calls.map(([name]) => name)).not.toContain('putJobSuccessResult');
  });
});
