import { Component, javascript } from 'projen';

/**
 * The dependencies of a generated repository that declare install scripts, none of which its
 * tools need: each native binary comes from a platform package that npm installs as an optional
 * dependency. @swc/core (Jest's transform, through @swc/jest): postinstall checks the native
 * binding and fetches @swc/wasm if it cannot load. esbuild (tsx, which runs .projenrc.ts and the
 * CDK app): postinstall checks the platform binary. @parcel/watcher (Jest's file watcher):
 * install builds it from source, only when npm is asked to build from source.
 */
export const DENIED_INSTALL_SCRIPTS: readonly string[] = ['@swc/core', 'esbuild', '@parcel/watcher'];

/**
 * Records in package.json's `allowScripts` a decision for every dependency with an install
 * script: npm 11.19 and later skip the install scripts of dependencies it does not find there and
 * end every install with a list of them. A denial keeps what such an npm does anyway, and the
 * same on every machine: an older npm, which ignores the field, still runs them.
 *
 * A platform without the prebuilt binaries (where @swc/core needs its WebAssembly fallback) can
 * allow one in .projenrc.ts: `project.package.addField('allowScripts', { ... })`.
 */
export class InstallScripts extends Component {
  constructor(project: javascript.NodeProject) {
    super(project);
    const denied = Object.fromEntries(DENIED_INSTALL_SCRIPTS.map((name) => [name, false]));
    project.package.addField('allowScripts', denied);
  }
}
