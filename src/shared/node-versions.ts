/**
 * The Node.js releases that a generated service can run on, and what each one means for the
 * Dockerfile, `buildspec.yml` and the service's `package.json`. Every version string that those
 * files carry comes from here, whole.
 */
import { DEFAULTS, InvalidOptionError } from './service-settings';

/** An npm package as the service's lockfile records it. */
export interface LockedPackage {
  /** The exact version installed. */
  readonly version: string;
  /** Its `dist.integrity` in the npm registry. */
  readonly integrity: string;
}

/** A Node.js release line that the template supports, with everything that follows from it. */
export interface NodeRelease {
  /** The major version, as the `nodeVersion` option takes it ("24"). */
  readonly major: string;
  /** The last day of its support upstream (https://nodejs.org/en/about/previous-releases). */
  readonly endOfLife: string;
  /** The base image of both Dockerfile stages: the official image from ECR Public's mirror of Docker Hub, pinned. */
  readonly baseImage: string;
  /** The value of `runtime-versions: nodejs:` in `buildspec.yml`. */
  readonly codebuildRuntime: string;
  /** The `engines.node` range of the service's `package.json`. */
  readonly engines: string;
  /** The service's `@types/node`: the range in `package.json` and what the lockfile pins. */
  readonly typesNode: LockedPackage & {
    readonly range: string;
    /** The `undici-types` that this `@types/node` depends on. */
    readonly undiciTypes: LockedPackage & { readonly range: string };
  };
}

/**
 * The supported release lines: Node.js LTS releases in support (Node.js 20 reached its end of life
 * on 2026-04-30). Node.js 26 is not listed because no CodeBuild standard image offers it yet.
 */
export const NODE_RELEASES: Readonly<Record<string, NodeRelease>> = {
  22: {
    major: '22',
    endOfLife: '2027-04-30',
    baseImage: 'public.ecr.aws/docker/library/node:22.23.2-bookworm-slim',
    codebuildRuntime: '22',
    engines: '>=22',
    typesNode: {
      range: '^22.20.7',
      version: '22.20.7',
      integrity: 'sha512-F/Mcc4pD3YwXQCG50hb8BjB5RmrOere6hge7n2XHf0V8tpkZOVEjwYv9Ql7n0MpMn8Bv7+q12P9w6UHsBm0Sfw==',
      undiciTypes: {
        range: '~6.21.0',
        version: '6.21.0',
        integrity: 'sha512-iwDZqg0QAGrg9Rav5H4n0M64c3mkR59cJ6wQp+7C4nI0gsmExaedaYLNO44eT4AtBBwjbTiGPMlt2Md0T9H9JQ==',
      },
    },
  },
  24: {
    major: '24',
    endOfLife: '2028-04-30',
    baseImage: 'public.ecr.aws/docker/library/node:24.19.0-bookworm-slim',
    codebuildRuntime: '24',
    engines: '>=24',
    typesNode: {
      range: '^24.19.4',
      version: '24.19.4',
      integrity: 'sha512-s04odlR3ksJrLu7QLi+pddkWLD0RmSbcP9KuWn2/ozQKAp/YgwBC/6x9kJj8yAzZnGPfxePm7zm7nysVPCRagw==',
      undiciTypes: {
        range: '>=7.24.0 <7.24.7',
        version: '7.24.6',
        integrity: 'sha512-WRNW+sJgj5OBN4/0JpHFqtqzhpbnV0GuB+OozA9gCL7a993SmU+1JBZCzLNxYsbMfIeDL+lTsphD5jN5N+n0zg==',
      },
    },
  },
};

/**
 * The Node.js versions that each CodeBuild standard Linux image installs for `runtime-versions`
 * (the `nodejs` entries of the image's runtimes.yml in aws/aws-codebuild-docker-images).
 */
export const CODEBUILD_NODE_RUNTIMES: Readonly<Record<string, readonly string[]>> = {
  'aws/codebuild/amazonlinux-x86_64-standard:5.0': ['18', '20', '22', '24'],
  'aws/codebuild/amazonlinux-x86_64-standard:6.0': ['22', '24'],
  'aws/codebuild/amazonlinux-aarch64-standard:3.0': ['18', '20', '22', '24'],
  'aws/codebuild/amazonlinux-aarch64-standard:4.0': ['22', '24'],
  'aws/codebuild/standard:7.0': ['18', '20', '22', '24'],
  'aws/codebuild/standard:8.0': ['22', '24'],
};

/**
 * The supported releases that `buildImage` offers. An image that the table does not know (a newer
 * curated image or your own) may offer any of them: it is not checked.
 */
export function nodeVersionsFor(buildImage: string): string[] {
  const offered = CODEBUILD_NODE_RUNTIMES[buildImage];
  return Object.keys(NODE_RELEASES).filter((major) => offered === undefined || offered.includes(NODE_RELEASES[major].codebuildRuntime));
}

/**
 * Validates the `nodeVersion` option against the releases that `buildImage` offers and returns the
 * release, with the default (`DEFAULTS.nodeVersion`) when it is undefined. Throws
 * `InvalidOptionError` naming the allowed majors otherwise.
 */
export function resolveNodeRelease(value: unknown, buildImage: string): NodeRelease {
  const allowed = nodeVersionsFor(buildImage);
  const major = value === undefined ? DEFAULTS.nodeVersion : typeof value === 'number' ? String(value) : value;
  if (typeof major !== 'string' || !allowed.includes(major)) {
    const where = CODEBUILD_NODE_RUNTIMES[buildImage] ? `that ${buildImage} offers` : 'in support';
    throw new InvalidOptionError('nodeVersion', value,
      `one of the Node.js LTS releases ${where}: ${allowed.map((m) => `"${m}" (supported until ${NODE_RELEASES[m].endOfLife})`).join(', ')}`);
  }
  return NODE_RELEASES[major];
}
