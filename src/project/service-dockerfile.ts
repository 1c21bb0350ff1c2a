import { Component, Project } from 'projen';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { NodeRelease } from '../shared/node-versions';
import { IMAGE_VARIABLES } from '../shared/runtime-configuration';
import { InvalidOptionError, ServiceSettings } from '../shared/service-settings';

/** Variables the Dockerfile sets itself; `dockerRuntimeEnv` may not redefine them. */
const RESERVED_ENV = IMAGE_VARIABLES;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
// No quote, backslash, "$" (Dockerfile variable expansion) or control character: the value goes
// between double quotes in an ENV instruction.
const ENV_VALUE = /^[A-Za-z0-9 _.,:;/=+@%&*?!~^#()[\]{}<>|'-]{0,1024}$/;
// A .dockerignore pattern on one line; no NUL or control characters.
const IGNORE_PATTERN = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** Validated escape-hatch options of the Dockerfile. */
export interface DockerfileExtras {
  readonly ignoreExtra: readonly string[];
  readonly runtimeEnv: ReadonlyArray<{ name: string; value: string }>;
}

/**
 * The service's `Dockerfile` and `.dockerignore`, rendered from templates and managed unless listed
 * in `ownedFiles`.
 */
export class ServiceDockerfile extends Component {
  /** Validates `dockerignoreExtra` and `dockerRuntimeEnv`. */
  public static validate(dockerignoreExtra: unknown, dockerRuntimeEnv: unknown): DockerfileExtras {
    const ignoreExtra: string[] = [];
    if (dockerignoreExtra !== undefined) {
      const allowed = 'a list of .dockerignore patterns, each one line of 1 to 256 characters';
      if (!Array.isArray(dockerignoreExtra)) throw new InvalidOptionError('dockerignoreExtra', dockerignoreExtra, allowed);
      for (const pattern of dockerignoreExtra) {
        if (typeof pattern !== 'string' || !IGNORE_PATTERN.test(pattern) || pattern.trim() === '') {
          throw new InvalidOptionError('dockerignoreExtra', pattern, allowed);
        }
        ignoreExtra.push(pattern);
      }
    }

    const runtimeEnv: Array<{ name: string; value: string }> = [];
    if (dockerRuntimeEnv !== undefined) {
      if (dockerRuntimeEnv === null || typeof dockerRuntimeEnv !== 'object' || Array.isArray(dockerRuntimeEnv)) {
        throw new InvalidOptionError('dockerRuntimeEnv', dockerRuntimeEnv, 'a map of environment variable names to string values');
      }
      for (const [name, value] of Object.entries(dockerRuntimeEnv as Record<string, unknown>)) {
        if (!ENV_NAME.test(name) || RESERVED_ENV.includes(name)) {
          throw new InvalidOptionError('dockerRuntimeEnv', name,
            `variable names of letters, digits and "_" not starting with a digit (at most 128 characters), other than ${RESERVED_ENV.join(', ')}`);
        }
        if (typeof value !== 'string' || !ENV_VALUE.test(value)) {
          throw new InvalidOptionError(`dockerRuntimeEnv.${name}`, value,
            'a string of at most 1024 printable characters without quotes ("), backslashes, "$", backticks or line breaks');
        }
        runtimeEnv.push({ name, value });
      }
    }
    return { ignoreExtra, runtimeEnv };
  }

  /**
   * @param node the Node.js release: both stages use its base image (the official Node.js image from
   * ECR Public's mirror of Docker Hub, which has no pull limits in CodeBuild), so the compiled code
   * runs on the Node.js it was built with
   */
  constructor(project: Project, settings: ServiceSettings, node: NodeRelease, extras: DockerfileExtras, ownership: FileOwnership,
    renderer = new TemplateRenderer()) {
    super(project);
    const view = {
      ...settings,
      baseImage: node.baseImage,
      runtimeEnv: extras.runtimeEnv,
      extra: extras.ignoreExtra,
    };
    ownership.addTemplateFile('Dockerfile', (marker) => renderer.render('repo/Dockerfile', { ...view, marker }));
    ownership.addTemplateFile('.dockerignore', (marker) => renderer.render('repo/dockerignore', { ...view, marker }));
  }
}
