// Cold-init probe: run in a fresh `node` process by bench/cold-init.ts. It times one thing, the
// dynamic import of a built handler module (module loading, parsing, evaluation, and the
// module-level setup the handler does at cold start), and prints it as one JSON line.
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const url = pathToFileURL(process.argv[2]).href;
const start = performance.now();
const loaded = await import(url);
const ms = performance.now() - start;
if (typeof loaded.handler !== 'function') {
  process.stderr.write(`${process.argv[2]} does not export a handler function\n`);
  process.exit(2);
}
process.stdout.write(`${JSON.stringify({ ms })}\n`);
// The handler built clients but opened nothing; exit at once rather than wait on any timer.
process.exit(0);
