import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { resolveServiceSettings, ServiceSettings } from '../shared/service-settings';

/**
 * Properties of `CicdPipelineStack`.
 */
export interface CicdPipelineStackProps extends StackProps {
  /**
   * Name of the service: names the repositories, the cluster, the service and the container.
   */
  readonly serviceName: string;
  /** @default 8080 */
  readonly containerPort?: number;
  /** @default "/health" */
  readonly healthCheckPath?: string;
  /** @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memory?: number;
  /** @default 1 */
  readonly desiredCount?: number;
  /** @default max(4, desiredCount) */
  readonly maxCount?: number;
  /** @default "main" */
  readonly branch?: string;
  /** @default "aws/codebuild/amazonlinux-x86_64-standard:5.0" */
  readonly buildImage?: string;
}

/**
 * The service's CI/CD pipeline and runtime.
 */
export class CicdPipelineStack extends Stack {
  /** @internal */
  public readonly _settings: ServiceSettings;

  constructor(scope: Construct, id: string, props: CicdPipelineStackProps) {
    const settings = resolveServiceSettings({ ...props, memoryMiB: props.memory });
    super(scope, id, props);
    this._settings = settings;
  }
}
