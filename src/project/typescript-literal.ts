/**
 * Writes a JSON-like value (objects, arrays, strings, numbers, booleans) as a TypeScript literal
 * the way a person would: single-quoted strings, unquoted keys where they are identifiers, one
 * property per line, `undefined` properties left out.
 */
export function typescriptLiteral(value: unknown, indent = ''): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${typescriptLiteral(v, inner)},`).join('\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : quote(k));
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${typescriptLiteral(v, inner)},`).join('\n')}\n${indent}}`;
  }
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`typescriptLiteral: cannot write ${String(value)}`);
}

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, '\\\'').replace(/\n/g, '\\n')}'`;
}
