'use strict';
/**
 * Lambda handlers of CicdPipelineStack, in plain JavaScript so that the package ships them as an
 * asset as they are. They use the AWS SDK for JavaScript v3 that the Lambda Node.js runtime provides.
 *
 * - `serviceImage`: a CloudFormation custom resource that tells the stack which image and desired
 *   count the ECS service must keep, so that a `cdk deploy` never replaces the image that the
 *   pipeline deployed, and the first deploy succeeds before any image exists.
 * - `ensureRunning`: a CodePipeline action that starts the service after the first image was
 *   deployed (the service is created with no task while there is no image to run).
 */
const https = require('https');

/** Tag of the placeholder image: it is never pulled, as the service runs no task while it is used. */
const BOOTSTRAP_TAG = 'bootstrap';

function defaultClients() {
  // Loaded on first use only, so that the unit tests can run the logic with stubs and no SDK.
  const ecs = require('@aws-sdk/client-ecs');
  const ecr = require('@aws-sdk/client-ecr');
  const codepipeline = require('@aws-sdk/client-codepipeline');
  const ecsClient = new ecs.ECSClient({});
  const ecrClient = new ecr.ECRClient({});
  const pipelineClient = new codepipeline.CodePipelineClient({});
  return {
    ecs: {
      describeServices: (input) => ecsClient.send(new ecs.DescribeServicesCommand(input)),
      describeTaskDefinition: (input) => ecsClient.send(new ecs.DescribeTaskDefinitionCommand(input)),
      updateService: (input) => ecsClient.send(new ecs.UpdateServiceCommand(input)),
    },
    ecr: {
      describeImages: (input) => ecrClient.send(new ecr.DescribeImagesCommand(input)),
    },
    codepipeline: {
      putJobSuccessResult: (input) => pipelineClient.send(new codepipeline.PutJobSuccessResultCommand(input)),
      putJobFailureResult: (input) => pipelineClient.send(new codepipeline.PutJobFailureResultCommand(input)),
    },
  };
}

let clients;
function getClients() {
  if (!clients) clients = defaultClients();
  return clients;
}

/** The ECS service if it exists and is not being deleted, else undefined. */
async function findService(ecs, clusterName, serviceName) {
  let response;
  try {
    response = await ecs.describeServices({ cluster: clusterName, services: [serviceName] });
  } catch (error) {
    // The cluster does not exist yet: the stack is being created.
    if (error && (error.name === 'ClusterNotFoundException' || error.name === 'ServiceNotFoundException')) return undefined;
    throw error;
  }
  const service = (response.services || []).find((s) => s.serviceName === serviceName);
  if (!service || service.status === 'INACTIVE') return undefined;
  return service;
}

/** The most recently pushed image of the repository, as `repositoryUri@digest`, or undefined. */
async function latestPushedImage(ecr, repositoryName, repositoryUri) {
  let latest;
  let nextToken;
  do {
    let response;
    try {
      response = await ecr.describeImages({ repositoryName, nextToken, filter: { tagStatus: 'TAGGED' } });
    } catch (error) {
      if (error && error.name === 'RepositoryNotFoundException') return undefined;
      throw error;
    }
    for (const image of response.imageDetails || []) {
      const pushedAt = image.imagePushedAt ? new Date(image.imagePushedAt).getTime() : 0;
      if (!latest || pushedAt > latest.pushedAt) latest = { pushedAt, digest: image.imageDigest };
    }
    nextToken = response.nextToken;
  } while (nextToken);
  return latest && latest.digest ? `${repositoryUri}@${latest.digest}` : undefined;
}

/**
 * Decides the image and the counts that the stack gives the ECS service:
 * - the image the service runs now, if the service exists (a `cdk deploy` keeps what the pipeline deployed);
 * - else the most recently pushed image of the repository;
 * - else a placeholder that is never pulled, with no task to run ("bootstrap" mode).
 */
async function resolveServiceImage(api, props) {
  const desiredCount = Number(props.DesiredCount);
  if (!Number.isInteger(desiredCount) || desiredCount < 1) {
    throw new Error(`DesiredCount must be a positive integer, got ${JSON.stringify(props.DesiredCount)}`);
  }
  const service = await findService(api.ecs, props.ClusterName, props.ServiceName);
  let image;
  if (service && service.taskDefinition) {
    const response = await api.ecs.describeTaskDefinition({ taskDefinition: service.taskDefinition });
    const containers = (response.taskDefinition && response.taskDefinition.containerDefinitions) || [];
    const container = containers.find((c) => c.name === props.ContainerName);
    if (container && container.image && !container.image.endsWith(`:${BOOTSTRAP_TAG}`)) image = container.image;
  }
  if (!image) image = await latestPushedImage(api.ecr, props.RepositoryName, props.RepositoryUri);
  if (!image) {
    return { Image: `${props.RepositoryUri}:${BOOTSTRAP_TAG}`, DesiredCount: 0, MinCapacity: 0, Bootstrap: 'true' };
  }
  const current = service && service.desiredCount > 0 ? service.desiredCount : desiredCount;
  return { Image: image, DesiredCount: current, MinCapacity: desiredCount, Bootstrap: 'false' };
}

/** Sets the service's desired count when it runs no task; returns a message for the pipeline. */
async function ensureDesiredCount(api, params) {
  const desiredCount = Number(params.desiredCount);
  if (!Number.isInteger(desiredCount) || desiredCount < 1) {
    throw new Error(`desiredCount must be a positive integer, got ${JSON.stringify(params.desiredCount)}`);
  }
  const service = await findService(api.ecs, params.clusterName, params.serviceName);
  if (!service) throw new Error(`ECS service ${params.serviceName} not found in cluster ${params.clusterName}`);
  if (service.desiredCount > 0) return `${params.serviceName} runs ${service.desiredCount} task(s); nothing to do`;
  await api.ecs.updateService({ cluster: params.clusterName, service: params.serviceName, desiredCount });
  return `${params.serviceName} desired count set from 0 to ${desiredCount}`;
}

function sendCloudFormationResponse(event, status, data, reason) {
  const body = JSON.stringify({
    Status: status,
    Reason: reason || 'See the CloudWatch log group of the function',
    PhysicalResourceId: event.PhysicalResourceId || `${event.ResourceProperties.ClusterName}/${event.ResourceProperties.ServiceName}/image`,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    Data: data,
  });
  const url = new URL(event.ResponseURL);
  return new Promise((resolve, reject) => {
    const request = https.request({
      hostname: url.hostname,
      path: `${url.pathname}${url.search}`,
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', resolve);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** CloudFormation custom resource handler ("ServiceImage"). */
async function serviceImage(event) {
  try {
    const data = event.RequestType === 'Delete' ? {} : await resolveServiceImage(getClients(), event.ResourceProperties);
    console.log(JSON.stringify({ requestType: event.RequestType, data }));
    await sendCloudFormationResponse(event, 'SUCCESS', data);
  } catch (error) {
    console.error(error);
    await sendCloudFormationResponse(event, 'FAILED', {}, String(error && error.message ? error.message : error).slice(0, 500));
  }
}

/** CodePipeline Lambda invoke action handler ("EnsureRunning"). */
async function ensureRunning(event) {
  const job = event['CodePipeline.job'];
  const api = getClients();
  try {
    const params = JSON.parse(job.data.actionConfiguration.configuration.UserParameters);
    const message = await ensureDesiredCount(api, params);
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

/** Replaces the AWS clients, for tests. */
function setClients(replacement) {
  clients = replacement;
}

module.exports = {
  BOOTSTRAP_TAG,
  resolveServiceImage,
  ensureDesiredCount,
  serviceImage,
  ensureRunning,
  setClients,
};
