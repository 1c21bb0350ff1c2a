import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The oldest Node.js major that the pipeline's handlers are written and tested for. */
export const MIN_HANDLER_NODE_MAJOR = 24;

/** What `newestNodeRuntime` reads of a runtime. */
export type KnownRuntime = Pick<lambda.Runtime, 'name' | 'family' | 'isVariable'>;

const NODE_RUNTIME_NAME = /^nodejs(\d+)\.x$/;

/**
 * The newest `nodejs<major>.x` Lambda runtime among those that the installed aws-cdk-lib knows.
 *
 * cdk-nag's AwsSolutions-L1 wants each function on the newest runtime of its family that
 * aws-cdk-lib lists, and aws-cdk-lib lists a runtime once Lambda offers it: pinning one runtime
 * here would fail the gate in every repository the day a newer aws-cdk-lib adds the next Node.js
 * release. A fixed runtime wins over a variable one of the same name.
 */
export function newestNodeRuntime<T extends KnownRuntime>(known: readonly T[]): T {
  let newest: { major: number; runtime: T } | undefined;
  for (const runtime of known) {
    const match = NODE_RUNTIME_NAME.exec(runtime.name);
    if (!match || runtime.family !== lambda.RuntimeFamily.NODEJS) {
      continue;
    }
    const major = Number(match[1]);
    if (!newest || major > newest.major || (major === newest.major && newest.runtime.isVariable && !runtime.isVariable)) {
      newest = { major, runtime };
    }
  }
  if (!newest || newest.major < MIN_HANDLER_NODE_MAJOR) {
    throw new Error(`the installed aws-cdk-lib knows no Lambda runtime of Node.js ${MIN_HANDLER_NODE_MAJOR} or later `
      + `(newest: ${newest?.runtime.name ?? 'none'}): install a newer aws-cdk-lib`);
  }
  return newest.runtime;
}
