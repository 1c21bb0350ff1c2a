import * as fs from 'fs';

/** Deletes the temporary folder of the test run (see tmpdir-setup.ts). */
export default function teardown(): void {
  const dir = process.env.CICD_TEST_TMPDIR;
  if (!dir) return;
  if (process.env.CICD_KEEP_TMP) {
    process.stderr.write(`\nkept the temporary files of the test run in ${dir}\n`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
