import * as fs from 'fs';

/**
 * Expects the block of `readme` between the `start` and `end` markers (both included) to be
 * `expected`; with UPDATE_README=1, rewrites it instead.
 */
export function expectReadmeBlock(readme: string, start: string, end: string, expected: string): void {
  const text = fs.readFileSync(readme, 'utf-8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (process.env.UPDATE_README === '1' && from >= 0 && to > from) {
    fs.writeFileSync(readme, text.slice(0, from) + expected + text.slice(to + end.length));
    return;
  }
  expect(from).toBeGreaterThanOrEqual(0);
  expect(text.slice(from, to + end.length)).toBe(expected);
}
