import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureWrites } from './capture';
import { checkCacheMain, ESLINT_CACHE_DIR, NPM_INSTALL_RECORD, prepareCheck, recordCheck, TSC_BUILD_INFO, TSC_CHECK_STARTED } from '../../src/cli/check-cache';

/** A repository root with the type-check record and ESLint's cache in place. */
function repository(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-check-cache-'));
  fs.mkdirSync(path.join(dir, path.dirname(TSC_BUILD_INFO)), { recursive: true });
  fs.mkdirSync(path.join(dir, ESLINT_CACHE_DIR), { recursive: true });
  fs.writeFileSync(path.join(dir, ESLINT_CACHE_DIR, '.eslintcache'), '{}');
  return dir;
}

const at = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);

describe('prepareCheck', () => {
  test('keeps the type-check record and ESLint\'s cache while npm has not installed since', () => {
    const dir = repository();
    const info = path.join(dir, TSC_BUILD_INFO);
    fs.writeFileSync(path.join(dir, NPM_INSTALL_RECORD), '{}');
    fs.writeFileSync(info, '{}');
    at(path.join(dir, NPM_INSTALL_RECORD), 1_000);
    at(info, 2_000);
    prepareCheck(dir);
    expect(fs.existsSync(info)).toBe(true);
    expect(fs.existsSync(path.join(dir, ESLINT_CACHE_DIR, '.eslintcache'))).toBe(true);
  });

  test('forgets both when npm installed after the last clean check', () => {
    const dir = repository();
    const info = path.join(dir, TSC_BUILD_INFO);
    fs.writeFileSync(path.join(dir, NPM_INSTALL_RECORD), '{}');
    fs.writeFileSync(info, '{}');
    at(info, 2_000);
    at(path.join(dir, NPM_INSTALL_RECORD), 3_000);
    prepareCheck(dir);
    expect(fs.existsSync(info)).toBe(false);
    expect(fs.existsSync(path.join(dir, ESLINT_CACHE_DIR))).toBe(false);
  });

  test('notes the start of the check, in a fresh clone too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-check-cache-'));
    const before = Date.now() - 1_000;
    prepareCheck(dir);
    expect(fs.statSync(path.join(dir, TSC_CHECK_STARTED)).mtimeMs).toBeGreaterThan(before);
  });
});

describe('recordCheck', () => {
  test('dates the record at the start of the check (tsc --build without output leaves it as it was)', () => {
    const dir = repository();
    const info = path.join(dir, TSC_BUILD_INFO);
    const started = path.join(dir, TSC_CHECK_STARTED);
    fs.writeFileSync(info, '{"kept":true}');
    fs.writeFileSync(started, '');
    at(info, 1_000);
    at(started, 5_000);
    recordCheck(dir);
    expect(fs.statSync(info).mtimeMs).toBe(5_000_000);
    expect(fs.readFileSync(info, 'utf-8')).toBe('{"kept":true}');
  });

  test('without a record (the check failed) or a start, there is nothing to date', () => {
    const dir = repository();
    fs.writeFileSync(path.join(dir, TSC_CHECK_STARTED), '');
    recordCheck(dir);
    expect(fs.existsSync(path.join(dir, TSC_BUILD_INFO))).toBe(false);

    const noStart = repository();
    fs.writeFileSync(path.join(noStart, TSC_BUILD_INFO), '{}');
    at(path.join(noStart, TSC_BUILD_INFO), 1_000);
    recordCheck(noStart);
    expect(fs.statSync(path.join(noStart, TSC_BUILD_INFO)).mtimeMs).toBe(1_000_000);
  });
});

describe('cicd-service-check-cache', () => {
  test('runs prepare and record in the given root', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-check-cache-'));
    expect(checkCacheMain(['prepare'], dir)).toBe(0);
    expect(fs.existsSync(path.join(dir, TSC_CHECK_STARTED))).toBe(true);
    expect(checkCacheMain(['record'], dir)).toBe(0);
  });

  test.each([[[]], [['forget']], [['prepare', 'extra']]])('%p is a usage error', (args) => {
    expect(captureWrites(process.stderr, () => checkCacheMain(args, os.tmpdir())))
      .toEqual({ result: 2, written: 'usage: cicd-service-check-cache <prepare|record>\n' });
  });
});
