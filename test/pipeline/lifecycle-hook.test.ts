import * as http from 'http';
import { AddressInfo } from 'net';
// The handlers are plain JavaScript, inlined into the stack as they are; they have no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlers = require('../../src/pipeline/handlers/index.js');

const REVISION = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/orders-production/orders-production/4567';
const REPOSITORY = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders';
const LOAD_BALANCER = 'app/orders-LoadB-abc/0123456789abcdef';

// A real HTTP server on 127.0.0.1 plays the test listener: the probe runs `verify` against it with Node's fetch.
let server: http.Server;
let port: number;
const paths: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  // Node loads its fetch implementation on first use; do it here, not within a test's timeout.
  await (await fetch(`http://127.0.0.1:${port}/warm`)).text();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  handlers.setClients(undefined);
});

let answer = version('abc12345');

function version(v: string | undefined, status = 200): (res: http.ServerResponse) => void {
  return (res: http.ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v === undefined ? { status: 'ok' } : { status: 'ok', version: v }));
  };
}

let logs: string[];
beforeEach(() => {
  paths.length = 0;
  answer = version('abc12345');
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.join(' '));
  });
  jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  // The probe function's clients: real fetch.
  handlers.setClients({ fetch: globalThis.fetch, sleep: async () => undefined });
});
afterEach(() => jest.restoreAllMocks());

/** Stubs of ECS, EC2 and Lambda: the revision runs `image`; the load balancer has `addresses`; invoking runs the real probe. */
function hookApi(image: string | undefined, addresses: string[] = ['127.0.0.1']) {
  const calls: Array<[string, any]> = [];
  return {
    calls,
    api: {
      hook: {
        describeServiceRevisions: async (input: any) => {
          calls.push(['describeServiceRevisions', input]);
          return { serviceRevisions: [{ serviceRevisionArn: REVISION, containerImages: image === undefined ? [] : [{ containerName: 'orders', image, imageDigest: 'sha256:1' }] }] };
        },
        describeNetworkInterfaces: async (input: any) => {
          calls.push(['describeNetworkInterfaces', input]);
          return { NetworkInterfaces: addresses.map((a) => ({ PrivateIpAddress: a })) };
        },
        invoke: async (name: string, payload: any) => {
          calls.push(['invoke', { name, payload }]);
          return handlers.probeTestListener(payload);
        },
      },
    },
  };
}

const config = () => ({ containerName: 'orders', loadBalancer: LOAD_BALANCER, testPort: String(port), healthPath: '/health', probeFunction: 'probe-fn', attempts: '3', intervalSeconds: '20' });
const event = (extra: Record<string, unknown> = {}) => ({
  executionDetails: { targetServiceRevisionArn: REVISION, serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/orders-production/orders-production' },
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  ...extra,
});

describe('checkTestTraffic', () => {
  test('the new tasks answering their image\'s version on the test listener: SUCCEEDED', async () => {
    const { api, calls } = hookApi(`${REPOSITORY}:abc12345`);
    await expect(handlers.checkTestTraffic(api, event(), config())).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(calls).toEqual([
      ['describeServiceRevisions', { serviceRevisionArns: [REVISION] }],
      ['describeNetworkInterfaces', { Filters: [{ Name: 'description', Values: [`ELB ${LOAD_BALANCER}`] }] }],
      ['invoke', { name: 'probe-fn', payload: { url: `http://127.0.0.1:${port}/health`, expectedVersion: 'abc12345' } }],
    ]);
    expect(paths).toEqual(['/health']);
    expect(logs).toEqual([`attempt 1/1: http://127.0.0.1:${port}/health answered 200 with version abc12345`, `attempt 1/3: http://127.0.0.1:${port}/health answered 200 with version abc12345`]);
  });

  test('another version while attempts remain: IN_PROGRESS, called again after the interval with the attempt counted', async () => {
    answer = version('old00000');
    const { api } = hookApi(`${REPOSITORY}:abc12345`);
    await expect(handlers.checkTestTraffic(api, event(), config())).resolves.toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { attempt: 1 } });
    await expect(handlers.checkTestTraffic(api, event({ hookDetails: { attempt: 1 } }), config())).resolves.toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { attempt: 2 } });
    expect(logs).toContain(`attempt 2/3: Verification failed after 1 attempts: http://127.0.0.1:${port}/health answered version "old00000", expected abc12345`);
  });

  test('still failing at the last attempt: FAILED, and ECS rolls back', async () => {
    answer = version('abc12345', 503);
    const { api } = hookApi(`${REPOSITORY}:abc12345`);
    await expect(handlers.checkTestTraffic(api, event({ hookDetails: { attempt: 2 } }), config())).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(logs).toContain(`attempt 3/3: Verification failed after 1 attempts: http://127.0.0.1:${port}/health answered 503`);
  });

  test('a test listener that never answers: the probe gives up after its timeout, and the hook keeps asking', async () => {
    answer = () => undefined;
    const { api } = hookApi(`${REPOSITORY}:abc12345`);
    const started = Date.now();
    await expect(handlers.checkTestTraffic(api, event(), config())).resolves.toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { attempt: 1 } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    expect(logs.join('\n')).toContain('no answer within 5000 ms');
    server.closeAllConnections();
  }, 20000);

  test('the stack\'s own image (env-<name>) names no commit: a healthy answer with any version passes', async () => {
    answer = version('whatever');
    const { api, calls } = hookApi(`${REPOSITORY}:env-production`);
    await expect(handlers.checkTestTraffic(api, event(), config())).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(calls[2][1].payload).toEqual({ url: `http://127.0.0.1:${port}/health`, expectedVersion: undefined });
  });

  test('each attempt asks another node of the load balancer', async () => {
    const { api, calls } = hookApi(`${REPOSITORY}:abc12345`, ['10.0.0.5', '127.0.0.1']);
    await expect(handlers.checkTestTraffic(api, event({ hookDetails: { attempt: 1 } }), config())).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(calls[2][1].payload.url).toBe(`http://127.0.0.1:${port}/health`);
  });

  test('a payload with the details at the top level works the same', async () => {
    const { api } = hookApi(`${REPOSITORY}:abc12345`);
    await expect(handlers.checkTestTraffic(api, { targetServiceRevisionArn: REVISION }, config())).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
  });

  test('no network interface of the load balancer: counts as a failed attempt, no probe', async () => {
    const { api, calls } = hookApi(`${REPOSITORY}:abc12345`, []);
    await expect(handlers.checkTestTraffic(api, event(), config())).resolves.toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { attempt: 1 } });
    expect(calls.map(([name]) => name)).toEqual(['describeServiceRevisions', 'describeNetworkInterfaces']);
    expect(logs).toEqual([`attempt 1/3: no network interface of ${LOAD_BALANCER} found`]);
  });

  test.each([
    ['no revision in the event', hookApi(`${REPOSITORY}:abc12345`), { lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' }],
    ['a revision without the service\'s container', hookApi(undefined), event()],
  ])('%s: FAILED at once', async (_what, stub, given) => {
    await expect(handlers.checkTestTraffic(stub.api, given, config())).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(stub.calls.filter(([name]) => name === 'invoke')).toEqual([]);
  });

  test('invalid attempts or interval are rejected before any call', async () => {
    const { api, calls } = hookApi(`${REPOSITORY}:abc12345`);
    await expect(handlers.checkTestTraffic(api, event(), { ...config(), attempts: '0' })).rejects.toThrow('attempts must be a positive number');
    await expect(handlers.checkTestTraffic(api, event(), { ...config(), intervalSeconds: '1.5' })).rejects.toThrow('intervalSeconds must be a whole number');
    expect(calls).toEqual([]);
  });
});

describe('testTrafficHook: the function that ECS invokes', () => {
  const variables = { CONTAINER_NAME: 'orders', LOAD_BALANCER, HEALTH_PATH: '/health', PROBE_FUNCTION: 'probe-fn', ATTEMPTS: '3', INTERVAL_SECONDS: '20' };
  let saved: NodeJS.ProcessEnv;
  beforeEach(() => {
    saved = { ...process.env };
    Object.assign(process.env, variables, { TEST_PORT: String(port) });
  });
  afterEach(() => {
    process.env = saved;
  });

  test('reads its settings from the environment', async () => {
    const { api, calls } = hookApi(`${REPOSITORY}:abc12345`);
    handlers.setClients({ ...api, fetch: globalThis.fetch, sleep: async () => undefined });
    await expect(handlers.testTrafficHook(event())).resolves.toEqual({ hookStatus: 'SUCCEEDED' });
    expect(calls[2]).toEqual(['invoke', { name: 'probe-fn', payload: { url: `http://127.0.0.1:${port}/health`, expectedVersion: 'abc12345' } }]);
  });

  test('an AWS error answers FAILED (with the reason in the log) rather than no status', async () => {
    const error = new Error('AccessDeniedException: not authorized to perform ecs:DescribeServiceRevisions');
    handlers.setClients({ hook: { describeServiceRevisions: async () => { throw error; } } });
    await expect(handlers.testTrafficHook(event())).resolves.toEqual({ hookStatus: 'FAILED' });
    expect(logs).toContain(String(error));
  });
});

describe('probeTestListener', () => {
  test('one look, with the expected version or any', async () => {
    await expect(handlers.probeTestListener({ url: `http://127.0.0.1:${port}/health`, expectedVersion: 'abc12345' }))
      .resolves.toEqual({ ok: true, message: `http://127.0.0.1:${port}/health answered 200 with version abc12345` });
    await expect(handlers.probeTestListener({ url: `http://127.0.0.1:${port}/health`, expectedVersion: 'zzz' }))
      .resolves.toEqual({ ok: false, message: `Verification failed after 1 attempts: http://127.0.0.1:${port}/health answered version "abc12345", expected zzz` });
    await expect(handlers.probeTestListener({ url: `http://127.0.0.1:${port}/health` }))
      .resolves.toEqual({ ok: true, message: `http://127.0.0.1:${port}/health answered 200 with version abc12345 (any version expected)` });
    expect(paths).toEqual(['/health', '/health', '/health']);
  });

  test('a bad URL is a failed look, not an exception', async () => {
    await expect(handlers.probeTestListener({ url: 'ftp://x', expectedVersion: 'a' })).resolves.toEqual({ ok: false, message: 'url must be an http(s) URL, got "ftp://x"' });
  });
});

test.each([
  [`${REPOSITORY}:abc12345`, 'abc12345'],
  [`${REPOSITORY}:abc12345@sha256:0123`, 'abc12345'],
  [`${REPOSITORY}:env-production`, undefined],
  [`${REPOSITORY}:latest`, undefined],
  [`${REPOSITORY}@sha256:0123`, undefined],
  ['localhost:5000/orders', undefined],
  ['localhost:5000/orders:v2', 'v2'],
  [undefined, undefined],
])('the version that image %p names: %p', (image, expected) => {
  expect(handlers.expectedVersionOf(image)).toBe(expected);
});
