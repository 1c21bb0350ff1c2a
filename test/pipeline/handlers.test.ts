import * as http from 'http';
import { AddressInfo } from 'net';
// The handlers are plain JavaScript, inlined into the stack as they are; they have no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handlers = require('../../src/pipeline/handlers/index.js');

const REPOSITORY = 'orders';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const DOCKER_IMAGE = 'application/vnd.docker.distribution.manifest.v2+json';
const OCI_IMAGE = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST_A = JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ digest: 'sha256:aaa' }] });
const MANIFEST_B = JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_IMAGE, config: { digest: 'sha256:bbb' } });

interface StoredImage {
  imageManifest: string;
  imageManifestMediaType: string;
}

function awsError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** An ECR stub holding `images` by tag; records every call; `putError` makes putImage fail. */
function fakeEcr(images: Record<string, StoredImage>, putError?: Error) {
  const calls: Array<[string, any]> = [];
  const ecr = {
    batchGetImage: async (input: any) => {
      calls.push(['batchGetImage', input]);
      const tag = input.imageIds[0].imageTag;
      const image = images[tag];
      return image
        ? { images: [{ repositoryName: input.repositoryName, imageId: { imageTag: tag }, ...image }], failures: [] }
        : { images: [], failures: [{ imageId: { imageTag: tag }, failureCode: 'ImageNotFound' }] };
    },
    putImage: async (input: any) => {
      calls.push(['putImage', input]);
      if (putError) throw putError;
      return { image: { imageId: { imageTag: input.imageTag } } };
    },
  };
  const named = (name: string) => calls.filter(([call]) => call === name).map(([, input]) => input);
  return { ecr, calls, named };
}

const SOURCE: Record<string, StoredImage> = { abc123: { imageManifest: MANIFEST_A, imageManifestMediaType: OCI_INDEX } };
const PARAMS = { repositoryName: REPOSITORY, sourceTag: 'abc123', targetTag: 'env-prod' };

describe('pointTag', () => {
  test('creates the target tag from the source image\'s manifest and media type', async () => {
    const { ecr, named } = fakeEcr(SOURCE);
    await expect(handlers.pointTag(ecr, PARAMS)).resolves.toBe('env-prod now names abc123');
    expect(named('putImage')).toEqual([{
      repositoryName: REPOSITORY,
      imageTag: 'env-prod',
      imageManifest: MANIFEST_A,
      imageManifestMediaType: OCI_INDEX,
    }]);
    expect(named('batchGetImage').map((input) => input.imageIds)).toEqual([[{ imageTag: 'abc123' }]]);
  });

  test('without onlyIfMissing an existing target tag is moved to the source image', async () => {
    const { ecr, named } = fakeEcr({ ...SOURCE, 'env-prod': { imageManifest: MANIFEST_B, imageManifestMediaType: DOCKER_IMAGE } });
    await expect(handlers.pointTag(ecr, { ...PARAMS, onlyIfMissing: false })).resolves.toBe('env-prod now names abc123');
    expect(named('putImage')).toEqual([expect.objectContaining({ imageTag: 'env-prod', imageManifest: MANIFEST_A, imageManifestMediaType: OCI_INDEX })]);
  });

  test('onlyIfMissing keeps an existing target tag: no putImage', async () => {
    const { ecr, named } = fakeEcr({ ...SOURCE, 'env-prod': { imageManifest: MANIFEST_B, imageManifestMediaType: DOCKER_IMAGE } });
    await expect(handlers.pointTag(ecr, { ...PARAMS, onlyIfMissing: true })).resolves.toBe('env-prod exists in orders; kept');
    expect(named('putImage')).toEqual([]);
    expect(named('batchGetImage').map((input) => input.imageIds)).toEqual([[{ imageTag: 'env-prod' }]]);
  });

  test('onlyIfMissing with a missing target tag creates it', async () => {
    const { ecr, named } = fakeEcr(SOURCE);
    await expect(handlers.pointTag(ecr, { ...PARAMS, onlyIfMissing: true })).resolves.toBe('env-prod now names abc123');
    expect(named('batchGetImage').map((input) => input.imageIds[0].imageTag)).toEqual(['env-prod', 'abc123']);
    expect(named('putImage')).toEqual([{
      repositoryName: REPOSITORY,
      imageTag: 'env-prod',
      imageManifest: MANIFEST_A,
      imageManifestMediaType: OCI_INDEX,
    }]);
  });

  test('a missing source image fails, naming the tag and the repository', async () => {
    const { ecr, named } = fakeEcr({ 'env-prod': { imageManifest: MANIFEST_B, imageManifestMediaType: DOCKER_IMAGE } });
    await expect(handlers.pointTag(ecr, PARAMS)).rejects.toThrow('No image tagged abc123 in orders');
    expect(named('putImage')).toEqual([]);
  });

  test('ImageAlreadyExistsException (the tag already names this image) counts as done', async () => {
    const { ecr, named } = fakeEcr(SOURCE, awsError('ImageAlreadyExistsException'));
    await expect(handlers.pointTag(ecr, PARAMS)).resolves.toBe('env-prod already names abc123');
    expect(named('putImage')).toHaveLength(1);
  });

  test('any other putImage error is rethrown as it is', async () => {
    const error = awsError('ImageTagAlreadyExistsException', 'The image tag env-prod already exists and cannot be overwritten');
    const { ecr } = fakeEcr(SOURCE, error);
    await expect(handlers.pointTag(ecr, PARAMS)).rejects.toBe(error);
  });

  test.each([
    ['repositoryName', ''],
    ['repositoryName', undefined],
    ['sourceTag', ''],
    ['sourceTag', undefined],
    ['targetTag', ''],
    ['targetTag', 42],
  ])('%s = %p is rejected, naming the parameter, before any ECR call', async (name, value) => {
    const { ecr, calls } = fakeEcr(SOURCE);
    await expect(handlers.pointTag(ecr, { ...PARAMS, [name]: value })).rejects.toThrow(new RegExp(`^${name} must be a non-empty string`));
    expect(calls).toEqual([]);
  });

  test('asks ECR for single images and multi-platform indexes alike', async () => {
    const { ecr, named } = fakeEcr(SOURCE);
    await handlers.pointTag(ecr, { ...PARAMS, onlyIfMissing: true });
    const asked = named('batchGetImage');
    expect(asked).toHaveLength(2);
    for (const input of asked) {
      expect(input.repositoryName).toBe(REPOSITORY);
      expect([...input.acceptedMediaTypes].sort()).toEqual([DOCKER_IMAGE, DOCKER_LIST, OCI_IMAGE, OCI_INDEX].sort());
    }
  });
});

// A real HTTP server on 127.0.0.1, so that verify runs against Node's own fetch (timeouts, refused connections).
let server: http.Server;
let base: string;
let closedPortUrl: string;
const requests: Record<string, number> = {};
const acceptHeaders: string[] = [];

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = req.url ?? '';
    requests[path] = (requests[path] ?? 0) + 1;
    acceptHeaders.push(String(req.headers.accept));
    switch (path) {
      case '/v2': return json(res, 200, { status: 'ok', version: 'v2' });
      case '/v1': return json(res, 200, { status: 'ok', version: 'v1' });
      case '/numeric': return json(res, 200, { version: 7 });
      case '/no-version': return json(res, 200, { status: 'ok' });
      case '/null-version': return json(res, 200, { version: null });
      case '/plain': res.writeHead(200, { 'content-type': 'text/plain' }); return res.end('OK');
      case '/error': return json(res, 500, { version: 'v2' });
      case '/redirect': res.writeHead(302, { location: '/v2' }); return res.end();
      // Headers, then a body that never ends.
      case '/half': res.writeHead(200, { 'content-type': 'application/json' }); return res.write('{"vers');
      // The old version twice, then the new one.
      case '/rolling': return json(res, 200, { version: requests[path] <= 2 ? 'v1' : 'v2' });
      case '/hang': return undefined;
      default: return json(res, 404, {});
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Node loads its fetch implementation on first use; do it here, not within a test's timeout.
  await (await fetch(`${base}/v2`)).text();

  // A port that was just free and is closed again: connections to it are refused.
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/health`;
  await new Promise<void>((resolve, reject) => closed.close((error) => (error ? reject(error) : resolve())));
});

afterAll(async () => {
  // The /hang and /half requests are still open on the server side.
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

let logs: string[];
beforeEach(() => {
  for (const key of Object.keys(requests)) delete requests[key];
  acceptHeaders.length = 0;
  logs = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.join(' '));
  });
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

/** Real fetch, a sleep that only records how long it was asked to wait. */
function liveApi() {
  const sleeps: number[] = [];
  return { api: { fetch: globalThis.fetch, sleep: async (ms: number) => { sleeps.push(ms); } }, sleeps };
}

// A generous timeout for the servers that answer (the machine may be busy); the hanging ones use HANG.
const FAST = { attempts: 3, intervalSeconds: 0.01, timeoutSeconds: 5 };
const HANG = { ...FAST, timeoutSeconds: 0.2 };

describe('verify against a local HTTP server', () => {
  test('the expected version passes on the first attempt', async () => {
    const { api, sleeps } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: `${base}/v2`, expectedVersion: 'v2' }))
      .resolves.toBe(`${base}/v2 answered 200 with version v2`);
    expect(requests['/v2']).toBe(1);
    expect(sleeps).toEqual([]);
    expect(acceptHeaders).toEqual(['application/json']);
    expect(logs).toEqual([`attempt 1/3: ${base}/v2 answered 200 with version v2`]);
  });

  test('a wrong version fails after the configured attempts, naming both versions', async () => {
    const { api, sleeps } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: `${base}/v1`, expectedVersion: 'v2' }))
      .rejects.toThrow(`Verification failed after 3 attempts: ${base}/v1 answered version "v1", expected v2`);
    expect(requests['/v1']).toBe(3);
    expect(sleeps).toEqual([10, 10]);
  });

  test('a 500 fails with the status', async () => {
    const { api } = liveApi();
    await expect(handlers.verify(api, { ...FAST, attempts: 2, url: `${base}/error`, expectedVersion: 'v2' }))
      .rejects.toThrow(`Verification failed after 2 attempts: ${base}/error answered 500`);
    expect(requests['/error']).toBe(2);
  });

  test('a server that never answers fails on the per-attempt timeout', async () => {
    const { api } = liveApi();
    const started = Date.now();
    await expect(handlers.verify(api, { ...HANG, attempts: 2, url: `${base}/hang`, expectedVersion: 'v2' }))
      .rejects.toThrow(`Verification failed after 2 attempts: ${base}/hang: no answer within 200 ms`);
    expect(requests['/hang']).toBe(2);
    // Each attempt waited for its timeout, and no longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  test('a body that never ends counts as no answer', async () => {
    const { api } = liveApi();
    await expect(handlers.verify(api, { ...HANG, attempts: 1, url: `${base}/half`, expectedVersion: 'v2' }))
      .rejects.toThrow(`${base}/half: no answer within 200 ms`);
  });

  test('a refused connection fails with the reason', async () => {
    const { api, sleeps } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: closedPortUrl, expectedVersion: 'v2' }))
      .rejects.toThrow(`Verification failed after 3 attempts: ${closedPortUrl}: ECONNREFUSED`);
    expect(sleeps).toEqual([10, 10]);
  });

  test.each([
    ['JSON without a version', '/no-version'],
    ['a null version', '/null-version'],
    ['a body that is not JSON', '/plain'],
  ])('a healthy answer with %s passes', async (_case, path) => {
    const { api } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: `${base}${path}`, expectedVersion: 'v2' }))
      .resolves.toBe(`${base}${path} answered 200 (the service reports no version)`);
    expect(requests[path]).toBe(1);
  });

  test('a numeric version is compared as text', async () => {
    const { api } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: `${base}/numeric`, expectedVersion: '7' })).resolves.toMatch(/with version 7$/);
    await expect(handlers.verify(api, { ...FAST, url: `${base}/numeric`, expectedVersion: '8' })).rejects.toThrow('answered version 7, expected 8');
  });

  test('redirects are followed', async () => {
    const { api } = liveApi();
    await expect(handlers.verify(api, { ...FAST, url: `${base}/redirect`, expectedVersion: 'v2' })).resolves.toMatch(/with version v2$/);
    expect(requests).toEqual({ '/redirect': 1, '/v2': 1 });
  });

  test('a service still answering the old version passes once the new one answers (third attempt)', async () => {
    const { api, sleeps } = liveApi();
    await expect(handlers.verify(api, { ...FAST, attempts: 5, url: `${base}/rolling`, expectedVersion: 'v2' }))
      .resolves.toBe(`${base}/rolling answered 200 with version v2`);
    expect(requests['/rolling']).toBe(3);
    expect(sleeps).toEqual([10, 10]);
    expect(logs).toEqual([
      `attempt 1/5: ${base}/rolling answered version "v1", expected v2`,
      `attempt 2/5: ${base}/rolling answered version "v1", expected v2`,
      `attempt 3/5: ${base}/rolling answered 200 with version v2`,
    ]);
  });

  test('defaults: 40 attempts, 5 s apart', async () => {
    const { api, sleeps } = liveApi();
    await expect(handlers.verify(api, { url: `${base}/error`, expectedVersion: 'v2' })).rejects.toThrow('Verification failed after 40 attempts');
    expect(requests['/error']).toBe(40);
    expect(sleeps).toEqual(Array(39).fill(5000));
  });
});

describe('verify: invalid parameters are rejected before any request', () => {
  test.each([
    ['url', { url: 'orders.example.com/health' }, /^url must be an http\(s\) URL, got "orders.example.com\/health"/],
    ['url', { url: 'ftp://orders.example.com/health' }, /^url must be an http\(s\) URL/],
    ['url', { url: undefined }, /^url must be an http\(s\) URL, got undefined/],
    ['expectedVersion', { expectedVersion: '' }, /^expectedVersion must be a non-empty string, got ""/],
    ['expectedVersion', { expectedVersion: 42 }, /^expectedVersion must be a non-empty string, got 42/],
    ['attempts', { attempts: 0 }, /^attempts must be a positive number, got 0/],
    ['attempts', { attempts: -3 }, /^attempts must be a positive number, got -3/],
    ['attempts', { attempts: 'three' }, /^attempts must be a positive number, got "three"/],
    ['attempts', { attempts: null }, /^attempts must be a positive number, got null/],
    ['intervalSeconds', { intervalSeconds: 0 }, /^intervalSeconds must be a positive number/],
    ['timeoutSeconds', { timeoutSeconds: -1 }, /^timeoutSeconds must be a positive number/],
  ])('%s: %p', async (_name, override, message) => {
    const fetch = jest.fn();
    const sleep = jest.fn();
    await expect(handlers.verify({ fetch, sleep }, { url: 'https://orders.example.com/health', expectedVersion: 'v2', ...override }))
      .rejects.toThrow(message);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('CodePipeline job wrappers', () => {
  function jobEvent(userParameters: string) {
    return { 'CodePipeline.job': { id: 'job-1', data: { actionConfiguration: { configuration: { UserParameters: userParameters } } } } };
  }

  /** Installs stub clients: ECR from `fakeEcr`, a recording CodePipeline, real fetch and a recording sleep. */
  function install(ecr = fakeEcr(SOURCE)) {
    const success: any[] = [];
    const failure: any[] = [];
    const sleeps: number[] = [];
    handlers.setClients({
      ecr: ecr.ecr,
      codepipeline: {
        putJobSuccessResult: async (input: any) => { success.push(input); },
        putJobFailureResult: async (input: any) => { failure.push(input); },
      },
      fetch: globalThis.fetch,
      sleep: async (ms: number) => { sleeps.push(ms); },
    });
    return { success, failure, sleeps, ecr };
  }

  afterAll(() => handlers.setClients(undefined));

  test('tagImage: UserParameters are parsed; success is reported with the job id and no failure', async () => {
    const { success, failure, ecr } = install();
    await handlers.tagImage(jobEvent(JSON.stringify({ ...PARAMS, onlyIfMissing: true })));
    expect(ecr.named('batchGetImage').map((input) => input.imageIds[0].imageTag)).toEqual(['env-prod', 'abc123']);
    expect(ecr.named('putImage')).toEqual([expect.objectContaining({ repositoryName: REPOSITORY, imageTag: 'env-prod', imageManifest: MANIFEST_A })]);
    expect(success).toEqual([{ jobId: 'job-1' }]);
    expect(failure).toEqual([]);
    expect(logs).toContain('env-prod now names abc123');
  });

  test('tagImage: a failure is reported as JobFailed with the message, and not thrown', async () => {
    const { success, failure } = install(fakeEcr({}));
    await expect(handlers.tagImage(jobEvent(JSON.stringify(PARAMS)))).resolves.toBeUndefined();
    expect(success).toEqual([]);
    expect(failure).toEqual([{
      jobId: 'job-1',
      failureDetails: { type: 'JobFailed', message: 'No image tagged abc123 in orders: did the build push it?' },
    }]);
  });

  test('a long failure message is cut to 500 characters', async () => {
    const long = `${'x'.repeat(500)}TAIL`;
    const { failure } = install(fakeEcr(SOURCE, awsError('ServerException', long)));
    await handlers.tagImage(jobEvent(JSON.stringify(PARAMS)));
    expect(failure).toHaveLength(1);
    expect(failure[0].failureDetails.message).toBe('x'.repeat(500));
  });

  test('invalid JSON in UserParameters is reported as a failure, not thrown', async () => {
    const { success, failure, ecr } = install();
    await expect(handlers.tagImage(jobEvent('{"repositoryName": '))).resolves.toBeUndefined();
    expect(success).toEqual([]);
    expect(failure).toHaveLength(1);
    expect(failure[0].jobId).toBe('job-1');
    expect(failure[0].failureDetails.type).toBe('JobFailed');
    expect(failure[0].failureDetails.message).toMatch(/JSON/);
    expect(ecr.calls).toEqual([]);
  });

  test('verifyDeployment: the new version answering is reported as success', async () => {
    const { success, failure } = install();
    await handlers.verifyDeployment(jobEvent(JSON.stringify({ ...FAST, url: `${base}/v2`, expectedVersion: 'v2' })));
    expect(requests['/v2']).toBe(1);
    expect(success).toEqual([{ jobId: 'job-1' }]);
    expect(failure).toEqual([]);
  });

  test('verifyDeployment: a wrong version is reported as JobFailed naming both versions, using the installed sleep', async () => {
    const { success, failure, sleeps } = install();
    await handlers.verifyDeployment(jobEvent(JSON.stringify({ ...FAST, url: `${base}/v1`, expectedVersion: 'v2' })));
    expect(success).toEqual([]);
    expect(failure).toEqual([{
      jobId: 'job-1',
      failureDetails: { type: 'JobFailed', message: `Verification failed after 3 attempts: ${base}/v1 answered version "v1", expected v2` },
    }]);
    expect(sleeps).toEqual([10, 10]);
  });
});
