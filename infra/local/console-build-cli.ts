import { relative } from 'node:path';
import { CONSOLE_DIST_DIR, writeConsoleDist } from './console-build';
import { repoRoot } from './local-config';

/**
 * `npm run console:build`: writes the operator console as AWS serves it into console/dist/ (to look at, or to serve
 * with any static server). A deploy does not read this directory: the CDK app runs the same build at synth into its
 * own asset, so what it ships is never an older console/dist.
 */
try {
  const files = writeConsoleDist(CONSOLE_DIST_DIR);
  console.log(`Wrote ${relative(repoRoot, CONSOLE_DIST_DIR)}/: ${files.join(', ')}`);
} catch (error) {
  console.error(`The console did not build: ${(error as Error).message}`);
  process.exitCode = 1;
}
