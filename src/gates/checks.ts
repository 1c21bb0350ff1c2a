import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { validate as validateDockerfile, ValidationSeverity } from 'dockerfile-utils';
import * as YAML from 'yaml';

/** One problem that a gate found: where and what. */
export interface GateProblem {
  /** Line (1-based) of the problem, when the gate knows it. */
  readonly line?: number;
  /** What is wrong. */
  readonly message: string;
}

/** Where the buildspec schema is: `schemas/` at the root of the package, in the sources and once installed. */
export const BUILDSPEC_SCHEMA_FILE = path.join(__dirname, '..', '..', 'schemas', 'buildspec.schema.json');

// Severities of the language server protocol that dockerfile-utils reports in: 1 error, 2 warning
// (3 information and 4 hint are left out).
const LSP_WARNING = 2;

let buildspecValidator: ValidateFunction | undefined;

/**
 * Lints a Dockerfile with dockerfile-utils. Errors and warnings both fail: the rules it would only
 * warn about (instruction casing, a relative WORKDIR, a second CMD, JSON in single quotes...) are
 * raised to errors, so that the gate fails on them too.
 */
export function lintDockerfile(content: string): GateProblem[] {
  const E = ValidationSeverity.ERROR;
  const diagnostics = validateDockerfile(content, {
    deprecatedMaintainer: E,
    directiveCasing: E,
    emptyContinuationLine: E,
    instructionCasing: E,
    instructionCmdMultiple: E,
    instructionEntrypointMultiple: E,
    instructionHealthcheckMultiple: E,
    instructionJSONInSingleQuotes: E,
    instructionWorkdirRelative: E,
  });
  return diagnostics
    .filter((d) => d.severity === undefined || d.severity <= LSP_WARNING)
    .map((d) => ({ line: d.range.start.line + 1, message: typeof d.message === 'string' ? d.message : d.message.value }))
    .sort((a, b) => a.line - b.line);
}

/**
 * Parses a buildspec as YAML 1.2 (as CodeBuild reads it) and checks it against the buildspec JSON
 * schema shipped in this package.
 */
export function checkBuildspec(text: string): GateProblem[] {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    return doc.errors.map((e) => ({ line: e.linePos?.[0]?.line, message: `YAML: ${e.message.split('\n')[0]}` }));
  }
  if (!buildspecValidator) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    buildspecValidator = ajv.compile(JSON.parse(fs.readFileSync(BUILDSPEC_SCHEMA_FILE, 'utf-8')));
  }
  const validate = buildspecValidator;
  if (validate(doc.toJS())) return [];
  return (validate.errors ?? []).map((e) => ({
    message: `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: "${e.params.additionalProperty}"` : ''}`,
  }));
}
