import * as ecs from 'aws-cdk-lib/aws-ecs';
import { CONTAINER_USER, SCRATCH_PATH } from '../shared/hardening-settings';
import { EnvironmentSettings } from '../shared/service-settings';

/** The name of the task's volume that is mounted at `SCRATCH_PATH`. */
const SCRATCH_VOLUME = 'scratch';

/**
 * The container's limits, as `addContainer` takes them: it runs as the Dockerfile's unprivileged
 * user, may use the task's memory and no more, and cannot write to its root filesystem. ECS Exec
 * needs a writable root filesystem (its agent writes into the container), so an environment with
 * ECS Exec keeps it writable.
 */
export function containerHardening(environment: EnvironmentSettings): Pick<ecs.ContainerDefinitionOptions, 'user' | 'memoryLimitMiB' | 'readonlyRootFilesystem'> {
  return {
    user: CONTAINER_USER,
    memoryLimitMiB: environment.memory,
    readonlyRootFilesystem: !environment.runtime.enableExecuteCommand,
  };
}

/**
 * Mounts a volume of the task's ephemeral storage (included in Fargate's price) at `/tmp`, where
 * the service and its libraries write temporary files while the root filesystem is read-only.
 */
export function addScratchVolume(taskDefinition: ecs.TaskDefinition, container: ecs.ContainerDefinition): void {
  taskDefinition.addVolume({ name: SCRATCH_VOLUME });
  container.addMountPoints({ sourceVolume: SCRATCH_VOLUME, containerPath: SCRATCH_PATH, readOnly: false });
}
