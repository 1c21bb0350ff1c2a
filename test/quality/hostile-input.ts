/**
 * Invalid values for every option, by kind: wrong types as the projen CLI delivers them, values out
 * of range, names AWS would reject, and attempts to inject into the shell commands of the buildspec
 * or the Dockerfile. Shared by the hostile-input tests and the figures in the README.
 */
export const INJECTIONS = [
  '$(touch /tmp/pwned)',
  '`id`',
  'a; rm -rf /',
  'a && curl evil',
  'a | sh',
  "a' OR '1'='1",
  'a"b',
  'line\nbreak',
  'tab\there',
  '${HOME}',
  '{{mustache}}',
  'a\u0000b',
  '../../etc/passwd',
];

export const HOSTILE_INPUTS: Record<string, unknown[]> = {
  serviceName: [
    null, 42, true, {}, [], '', ' ', 'a', 'Orders', 'orders_api', 'orders--api', '-orders', 'orders-', '1orders',
    'a'.repeat(33), 'orders.api', 'orders/api', 'ördes', ...INJECTIONS,
  ],
  containerPort: [null, 'abc', '8080', 0, -1, 80, 1023, 65536, 8080.5, NaN, Infinity, true, [], {}],
  healthCheckPath: [null, 42, '', 'health', '/health?x=1', '/he alth', '/health#x', '/' + 'a'.repeat(1024), ...INJECTIONS],
  cpu: [null, '256', 0, 100, 300, 257, 32768, -256, 256.5, NaN, true],
  memory: [null, '512', 0, 100, 511, 600, 8192, 1024.5, -512, true],
  desiredCount: [null, '1', 0, -1, 101, 1.5, NaN, true],
  maxCount: [null, '4', 0, -1, 101, 2.5, NaN],
  branch: [null, 42, '', '-main', 'main..x', 'main/', 'feature//x', 'x.lock', 'with space', 'a'.repeat(101), ...INJECTIONS],
  buildImage: [null, 42, '', 'Aws/CodeBuild', 'image:tag with space', 'a'.repeat(256), ...INJECTIONS],
};

/** How many invalid inputs the table holds, for the README figures. */
export function hostileInputCount(): number {
  return Object.values(HOSTILE_INPUTS).reduce((n, values) => n + values.length, 0);
}
