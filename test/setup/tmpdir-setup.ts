/*
 * Gives a test run its own temporary folder, which tmpdir-teardown.ts deletes at the end.
 *
 * The tests create many folders with mkdtemp (generated repositories, the cdk.out of every App,
 * npm packs) and the commands they start create more; all of them land below os.tmpdir(), which
 * reads TMPDIR. Jest runs this in its main process before it starts the workers, which inherit the
 * variable. CICD_KEEP_TMP=1 keeps the folder.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export default function setup(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-test-'));
  process.env.CICD_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
