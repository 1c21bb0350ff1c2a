'use strict';
/**
 * The pipeline's Lambda actions, in plain JavaScript: the stack inlines this file into each
 * function (no asset to publish), and the functions use the AWS SDK for JavaScript v3 that the
 * Lambda Node.js runtime provides.
 *
 * - `tagImage`: points an environment's ECR tag (`env-<name>`) at the image of the commit being
 *   deployed. Before the environment's stack is deployed it only creates a missing tag (the first
 *   deploy); after the verification it moves the tag, so the tag always names the image the
 *   environment last deployed and verified, and a stack update never rolls the service back.
 * - `verifyDeployment`: asks the environment's URL for the health path until it answers 200 with
 *   the version that was just built (a service that reports no version passes on a healthy answer).
 * - `testTrafficHook`: the ECS lifecycle hook of a blue/green, canary or linear deployment, after
 *   the test listener moved to the new tasks: the same check as `verifyDeployment`, against the
 *   test listener, expecting the version of the new tasks' image.
 * - `probeTestListener`: one look at the test listener from inside the VPC, for the hook (the test
 *   listener admits only this function's security group).
 */

/** Manifest types that ECR stores and that a tag may point at, single images and multi-platform lists. */
const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
];

function defaultClients() {
  // Loaded on first use only, so that the unit tests run the logic with stubs and no SDK.
  const ecr = require('@aws-sdk/client-ecr');
  const codepipeline = require('@aws-sdk/client-codepipeline');
  const ecrClient = new ecr.ECRClient({});
  const pipelineClient = new codepipeline.CodePipelineClient({});
  return {
    ecr: {
      batchGetImage: (input) => ecrClient.send(new ecr.BatchGetImageCommand(input)),
      putImage: (input) => ecrClient.send(new ecr.PutImageCommand(input)),
    },
    codepipeline: {
      putJobSuccessResult: (input) => pipelineClient.send(new codepipeline.PutJobSuccessResultCommand(input)),
      putJobFailureResult: (input) => pipelineClient.send(new codepipeline.PutJobFailureResultCommand(input)),
    },
    fetch: (url, init) => fetch(url, init),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    // The hook's clients, loaded on its first use only (and once).
    get hook() {
      Object.defineProperty(this, 'hook', { value: hookClients() });
      return this.hook;
    },
  };
}

/** ECS, EC2 and Lambda, as the test-traffic hook uses them. */
function hookClients() {
  const ecs = require('@aws-sdk/client-ecs');
  const ec2 = require('@aws-sdk/client-ec2');
  const lambda = require('@aws-sdk/client-lambda');
  const ecsClient = new ecs.ECSClient({});
  const ec2Client = new ec2.EC2Client({});
  const lambdaClient = new lambda.LambdaClient({});
  return {
    describeServiceRevisions: (input) => ecsClient.send(new ecs.DescribeServiceRevisionsCommand(input)),
    describeNetworkInterfaces: (input) => ec2Client.send(new ec2.DescribeNetworkInterfacesCommand(input)),
    invoke: async (functionName, payload) => {
      const response = await lambdaClient.send(new lambda.InvokeCommand({ FunctionName: functionName, Payload: JSON.stringify(payload) }));
      const text = Buffer.from(response.Payload || []).toString('utf-8');
      if (response.FunctionError) throw new Error(`${functionName} failed: ${text}`);
      return JSON.parse(text);
    },
  };
}

let clients;
function getClients() {
  if (!clients) clients = defaultClients();
  return clients;
}

/** The image that `tag` names in the repository, or undefined. */
async function imageWithTag(ecr, repositoryName, tag) {
  const response = await ecr.batchGetImage({
    repositoryName,
    imageIds: [{ imageTag: tag }],
    acceptedMediaTypes: MANIFEST_TYPES,
  });
  return (response.images || []).find((image) => image.imageManifest);
}

/**
 * Points `targetTag` at the image of `sourceTag`. With `onlyIfMissing`, an existing `targetTag` is
 * kept. Returns a message for the pipeline.
 */
async function pointTag(ecr, params) {
  const { repositoryName, sourceTag, targetTag } = params;
  for (const [name, value] of Object.entries({ repositoryName, sourceTag, targetTag })) {
    if (typeof value !== 'string' || value.length === 0) throw new Error(`${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  if (params.onlyIfMissing && await imageWithTag(ecr, repositoryName, targetTag)) {
    return `${targetTag} exists in ${repositoryName}; kept`;
  }
  const image = await imageWithTag(ecr, repositoryName, sourceTag);
  if (!image) throw new Error(`No image tagged ${sourceTag} in ${repositoryName}: did the build push it?`);
  try {
    await ecr.putImage({
      repositoryName,
      imageTag: targetTag,
      imageManifest: image.imageManifest,
      imageManifestMediaType: image.imageManifestMediaType,
    });
  } catch (error) {
    // The tag already names this very image (a retried action).
    if (error && error.name === 'ImageAlreadyExistsException') return `${targetTag} already names ${sourceTag}`;
    throw error;
  }
  return `${targetTag} now names ${sourceTag}`;
}

/** One look at the URL: `{ ok, message }`; never throws. */
async function probe(api, url, expectedVersion, timeoutMs) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await api.fetch(url, { signal: controller.signal, redirect: 'follow', headers: { accept: 'application/json' } });
    const text = await response.text();
    if (response.status !== 200) return { ok: false, message: `${url} answered ${response.status}` };
    let version;
    try {
      const body = JSON.parse(text);
      version = body && typeof body === 'object' ? body.version : undefined;
    } catch {
      version = undefined;
    }
    if (version === undefined || version === null) return { ok: true, message: `${url} answered 200 (the service reports no version)` };
    if (expectedVersion === undefined) return { ok: true, message: `${url} answered 200 with version ${String(version)} (any version expected)` };
    if (String(version) === expectedVersion) return { ok: true, message: `${url} answered 200 with version ${expectedVersion}` };
    return { ok: false, message: `${url} answered version ${JSON.stringify(version)}, expected ${expectedVersion}` };
  } catch (error) {
    const reason = error && error.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : String(error && error.cause ? error.cause.code || error.cause.message : error && error.message);
    return { ok: false, message: `${url}: ${reason}` };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks `url` up to `attempts` times, `intervalSeconds` apart, until a probe passes. Returns the
 * message of the passing probe; throws with the last probe's message.
 */
async function verify(api, params) {
  const { url, expectedVersion } = params;
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`url must be an http(s) URL, got ${JSON.stringify(url)}`);
  // anyVersion: a healthy answer passes whatever version it reports (the hook, for an image whose commit it cannot tell).
  const anyVersion = params.anyVersion === true;
  if (!anyVersion && (typeof expectedVersion !== 'string' || expectedVersion.length === 0)) {
    throw new Error(`expectedVersion must be a non-empty string, got ${JSON.stringify(expectedVersion)}`);
  }
  const attempts = count('attempts', params.attempts, 40);
  const intervalMs = positive('intervalSeconds', params.intervalSeconds, 5) * 1000;
  const timeoutMs = positive('timeoutSeconds', params.timeoutSeconds, 5) * 1000;
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    last = await probe(api, url, anyVersion ? undefined : expectedVersion, timeoutMs);
    console.log(`attempt ${attempt}/${attempts}: ${last.message}`);
    if (last.ok) return last.message;
    if (attempt < attempts) await api.sleep(intervalMs);
  }
  throw new Error(`Verification failed after ${attempts} attempts: ${last.message}`);
}

function positive(name, value, fallback) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(value)}`);
  return n;
}

function count(name, value, fallback) {
  const n = positive(name, value, fallback);
  if (!Number.isInteger(n)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  return n;
}

/** Runs `work(params)` for a CodePipeline job and reports its outcome to CodePipeline. */
async function runJob(event, work) {
  const job = event['CodePipeline.job'];
  const api = getClients();
  try {
    const params = JSON.parse(job.data.actionConfiguration.configuration.UserParameters);
    const message = await work(api, params);
    console.log(message);
    await api.codepipeline.putJobSuccessResult({ jobId: job.id });
  } catch (error) {
    console.error(error);
    await api.codepipeline.putJobFailureResult({
      jobId: job.id,
      failureDetails: { type: 'JobFailed', message: String(error && error.message ? error.message : error).slice(0, 500) },
    });
  }
}

/** CodePipeline Lambda invoke action: points an environment's tag at the commit's image. */
async function tagImage(event) {
  await runJob(event, (api, params) => pointTag(api.ecr, params));
}

/** CodePipeline Lambda invoke action: checks that the environment serves the commit just built. */
async function verifyDeployment(event) {
  await runJob(event, (api, params) => verify(api, params));
}

/** The ECS lifecycle hook's answers. */
const HOOK = { succeeded: 'SUCCEEDED', failed: 'FAILED', inProgress: 'IN_PROGRESS' };

/**
 * The version that the new tasks should report: the tag of the container's image when it names a
 * commit. The stack's own task definition names the environment's tag (`env-<name>`), whose commit
 * is not known here: then any healthy answer passes, as for a service that reports no version.
 */
function expectedVersionOf(image) {
  const name = String(image || '').split('@')[0];
  const colon = name.lastIndexOf(':');
  if (colon < 0 || colon < name.lastIndexOf('/')) return undefined;
  const tag = name.slice(colon + 1);
  return tag === '' || tag === 'latest' || tag.startsWith('env-') ? undefined : tag;
}

/**
 * One ECS lifecycle hook invocation: looks up the new tasks' image, finds the load balancer's
 * private addresses and has `probeFunction` (in the VPC) ask the test listener once. Answers
 * SUCCEEDED when the probe passes, IN_PROGRESS (ECS calls again after `intervalSeconds`, with the
 * attempt count in `hookDetails`) while attempts remain, FAILED after the last one: ECS then rolls
 * the deployment back.
 */
async function checkTestTraffic(api, event, config) {
  const details = (event && (event.executionDetails || event)) || {};
  const revisionArn = details.targetServiceRevisionArn;
  const attempts = count('attempts', config.attempts, 10);
  const intervalSeconds = count('intervalSeconds', config.intervalSeconds, 30);
  const attempt = Number((event && event.hookDetails && event.hookDetails.attempt) || 0) + 1;
  if (typeof revisionArn !== 'string' || revisionArn === '') {
    console.error(`no targetServiceRevisionArn in the event: ${JSON.stringify(event)}`);
    return { hookStatus: HOOK.failed };
  }
  const revisions = await api.hook.describeServiceRevisions({ serviceRevisionArns: [revisionArn] });
  const revision = (revisions.serviceRevisions || [])[0];
  const container = revision && (revision.containerImages || []).find((c) => c.containerName === config.containerName);
  if (!container) {
    console.error(`${revisionArn} has no container ${config.containerName}`);
    return { hookStatus: HOOK.failed };
  }
  const expectedVersion = expectedVersionOf(container.image);
  const interfaces = await api.hook.describeNetworkInterfaces({ Filters: [{ Name: 'description', Values: [`ELB ${config.loadBalancer}`] }] });
  const addresses = (interfaces.NetworkInterfaces || []).map((i) => i.PrivateIpAddress).filter(Boolean);
  let result;
  if (addresses.length === 0) {
    result = { ok: false, message: `no network interface of ${config.loadBalancer} found` };
  } else {
    // Another node of the load balancer on each attempt.
    const url = `http://${addresses[(attempt - 1) % addresses.length]}:${config.testPort}${config.healthPath}`;
    result = await api.hook.invoke(config.probeFunction, { url, expectedVersion });
  }
  console.log(`attempt ${attempt}/${attempts}: ${result.message}`);
  if (result.ok) return { hookStatus: HOOK.succeeded };
  if (attempt >= attempts) return { hookStatus: HOOK.failed };
  return { hookStatus: HOOK.inProgress, callBackDelay: intervalSeconds, hookDetails: { attempt } };
}

/** ECS lifecycle hook: the test listener must serve the new tasks' version before production traffic moves. */
async function testTrafficHook(event) {
  const env = process.env;
  try {
    return await checkTestTraffic(getClients(), event, {
      containerName: env.CONTAINER_NAME,
      loadBalancer: env.LOAD_BALANCER,
      testPort: env.TEST_PORT,
      healthPath: env.HEALTH_PATH,
      probeFunction: env.PROBE_FUNCTION,
      attempts: env.ATTEMPTS,
      intervalSeconds: env.INTERVAL_SECONDS,
    });
  } catch (error) {
    // An answer without a status would roll back too; this one says why in the log.
    console.error(error);
    return { hookStatus: HOOK.failed };
  }
}

/**
 * One probe of the test listener, from inside the VPC: `verify` with a single attempt, or any
 * healthy answer when the hook knows no version to expect. Returns `{ ok, message }`.
 */
async function probeTestListener(event) {
  const params = { url: event.url, expectedVersion: event.expectedVersion, anyVersion: !event.expectedVersion, attempts: 1, timeoutSeconds: 5 };
  try {
    return { ok: true, message: await verify(getClients(), params) };
  } catch (error) {
    return { ok: false, message: String(error && error.message ? error.message : error) };
  }
}

/** Replaces the AWS clients, fetch and sleep, for tests. */
function setClients(replacement) {
  clients = replacement;
}

module.exports = {
  MANIFEST_TYPES,
  pointTag,
  probe,
  verify,
  tagImage,
  verifyDeployment,
  expectedVersionOf,
  checkTestTraffic,
  testTrafficHook,
  probeTestListener,
  setClients,
};
