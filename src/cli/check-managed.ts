#!/usr/bin/env node
import { execFileSync } from 'child_process';
import { describeTampering, findTamperedFiles } from '../project/managed-files-check';

// Fails when a template-managed file of the repository in the current folder was edited by hand.
// Generated repositories run it as `npx projen check:managed`; their buildspec.yml runs it before
// the tests, so a hand edit that the next `npx projen` would silently undo never reaches an image.
const root = process.cwd();
try {
  const tampered = findTamperedFiles(root, () => {
    execFileSync('npx', ['projen', '--no-post'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  });
  if (tampered.length > 0) {
    console.error(describeTampering(tampered));
    process.exit(1);
  }
  console.log('Managed files match .projenrc.ts.');
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
