import { Component, javascript } from 'projen';

/**
 * The dependencies of a generated repository that declare install scripts. @swc/core (Jest's
 * transform, through @swc/jest): postinstall checks the native binding and fetches @swc/wasm if
 * it cannot load. esbuild (tsx, which runs .projenrc.ts and the CDK app): postinstall checks the
 * platform binary and fetches it if the optional package is missing. @parcel/watcher (Jest's file
 * watcher): install builds it from source, only when npm is asked to build from source.
 */
export const TOOLCHAIN_INSTALL_SCRIPTS: readonly string[] = ['@swc/core', 'esbuild', '@parcel/watcher'];

/**
 * Lists the toolchain's install scripts in projen's install-script allowlist (the `allowScripts`
 * option, written to npm's `allowScripts` field in `package.json`, which npm reads from 11.16 on).
 * npm 11.19 warns after every install about each dependency install script that the field does
 * not cover, and says a future release is to skip them; listed, they run as they did, without the warning.
 *
 * `.projenrc.ts` adds a package with the `allowScripts` option or `project.package.addAllowedScripts()`,
 * and takes one off with `project.package.removeAllowedScripts()`.
 */
export class InstallScripts extends Component {
  constructor(project: javascript.NodeProject) {
    super(project);
    project.package.addAllowedScripts(...TOOLCHAIN_INSTALL_SCRIPTS);
  }
}
