import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { closest, distance } from 'fastest-levenshtein';
import { InvalidOptionError } from '../shared/service-settings';

/** The jsii type of the options of `CicdServiceProject`. */
const OPTIONS_FQN = 'cicd-service-template.CicdServiceProjectOptions';

/**
 * Keys that projen itself passes to a project type's constructor besides its options:
 * `projen new` adds `__new__` (what to render into `.projenrc.ts`).
 */
const PROJEN_KEYS = ['__new__'];

interface JsiiInterface {
  readonly properties?: ReadonlyArray<{ readonly name: string }>;
  readonly interfaces?: readonly string[];
}

interface Assembly {
  readonly name: string;
  readonly types: Readonly<Record<string, JsiiInterface>>;
}

/** Reads a jsii assembly, following the redirect to a compressed one (`jsii/file-redirect`). */
function readAssembly(dir: string): Assembly {
  const file = path.join(dir, '.jsii');
  let manifest = JSON.parse(fs.readFileSync(file, 'utf-8'));
  if (manifest.schema === 'jsii/file-redirect') {
    if (manifest.compression !== 'gzip') throw new Error(`${file}: unsupported compression ${manifest.compression}`);
    manifest = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, manifest.filename))).toString('utf-8'));
  }
  return manifest;
}

/** The folders of the assemblies that declare the options: this package and the projen it runs with. */
function assemblyDirs(): Record<string, string> {
  return {
    'cicd-service-template': path.resolve(__dirname, '..', '..'),
    'projen': path.dirname(require.resolve('projen/package.json')),
  };
}

let names: ReadonlySet<string> | undefined;

/**
 * Parsing projen's assembly (3 MB) is most of the check's time, so the names are kept in
 * node_modules/.cache, keyed on the size and time of both assemblies: an install that changes
 * either one makes the next synth read them again.
 */
function cache(dirs: Record<string, string>): { file?: string; key: string } {
  const key = Object.values(dirs).map((d) => {
    const st = fs.statSync(path.join(d, '.jsii'));
    return `${d}:${st.size}:${st.mtimeMs}`;
  }).join('|');
  if (cacheFileOverride !== undefined) return { file: cacheFileOverride, key };
  const nodeModules = path.dirname(dirs.projen);
  const file = path.basename(nodeModules) === 'node_modules'
    ? path.join(nodeModules, '.cache', 'cicd-service-template', 'option-names.json') : undefined;
  return { file, key };
}

let cacheFileOverride: string | undefined;

/**
 * Keeps this copy of the module's cache in another file. For tests that plant a cache: the one in
 * node_modules/.cache is read by every other test process that constructs a project meanwhile.
 *
 * @internal
 */
export function useCacheFile(file: string): void {
  cacheFileOverride = file;
}

function readCache(file: string | undefined, key: string): string[] | undefined {
  if (file === undefined) return undefined;
  try {
    const cached = JSON.parse(fs.readFileSync(file, 'utf-8'));
    return cached.key === key && Array.isArray(cached.names) ? cached.names : undefined;
  } catch {
    return undefined;
  }
}

let pendingCache: (() => void) | undefined;

/**
 * Every option of `CicdServiceProjectOptions`, inherited ones included, as the jsii assemblies of
 * this package and of the installed projen declare them: the same source `projen new` reads its
 * flags from, so a newer projen's options are known without a change here.
 */
export function knownOptionNames(): ReadonlySet<string> {
  if (names) return names;
  const dirs = assemblyDirs();
  const { file, key } = cache(dirs);
  const cached = readCache(file, key);
  if (cached) {
    names = new Set(cached);
    return names;
  }
  const assemblies = new Map<string, Assembly>();
  const assembly = (fqn: string): Assembly => {
    const module = fqn.split('.')[0];
    const dir = dirs[module];
    if (dir === undefined) throw new Error(`Options type ${fqn} comes from ${module}, whose jsii assembly is not read`);
    if (!assemblies.has(module)) assemblies.set(module, readAssembly(dir));
    return assemblies.get(module)!;
  };
  const found = new Set<string>(PROJEN_KEYS);
  const visit = (fqn: string) => {
    const type = assembly(fqn).types[fqn];
    if (type === undefined) throw new Error(`Options type ${fqn} is missing from its jsii assembly`);
    for (const p of type.properties ?? []) found.add(p.name);
    for (const base of type.interfaces ?? []) visit(base);
  };
  visit(OPTIONS_FQN);
  names = found;
  if (file !== undefined) {
    // Written once the options passed the check: a rejected synth writes nothing.
    pendingCache = () => {
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
      } catch {
        return; // a read-only node_modules: the next synth reads the assemblies again
      }
      // Renamed into place: a synth running alongside reads the old file or the new one, whole.
      const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      try {
        fs.writeFileSync(temp, JSON.stringify({ key, names: [...found] }));
        fs.renameSync(temp, file);
      } catch {
        fs.rmSync(temp, { force: true });
      }
    };
  }
  return names;
}

/**
 * Rejects option keys that `CicdServiceProjectOptions` does not declare, naming the closest valid
 * one. `.projenrc.ts` runs without a type check, so a misspelled option would otherwise be ignored.
 */
export function checkOptionNames(options: object): void {
  const keys = Object.entries(options).filter(([, value]) => value !== undefined).map(([key]) => key);
  const known = knownOptionNames();
  const unknown = keys.filter((k) => !known.has(k));
  if (unknown.length === 0) {
    pendingCache?.();
    pendingCache = undefined;
    return;
  }
  const key = unknown[0];
  const candidates = [...known].filter((k) => !PROJEN_KEYS.includes(k));
  const guess = closest(key, candidates);
  // A suggestion only when it is close: at most a third of the name differs.
  const near = distance(key.toLowerCase(), guess.toLowerCase()) <= Math.max(2, Math.floor(key.length / 3));
  throw new InvalidOptionError(key, (options as Record<string, unknown>)[key],
    `one of the options of CicdServiceProject (${near ? `did you mean "${guess}"?` : 'see API.md for the list'})`);
}
