import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { functions } from '../infra/catalog';
import { esbuildOptions, POWERTOOLS_LAYER_MODULES, REPO_ROOT, RUNTIME_PROVIDED_MODULES } from '../infra/constructs/node-function';
import { LOCAL_CREDENTIALS } from '../infra/local/local-config';
import { median, pairRatios, spread, type Spread } from './stats';
import { deleteCustomerEnv } from './function-env';

/**
 * The delete-customer bundle as CDK builds it (the same esbuild options the NodeFunction construct
 * hands to NodejsFunction, imported from infra/constructs/node-function.ts), its size, and how long
 * a fresh Node process takes to import it compared with the same handler whose dependencies
 * resolve from node_modules.
 */

export const API_FUNCTION = 'delete-customer';

export interface BuiltVariant {
  /** Short label for the table and the results file. */
  label: string;
  file: string;
  bytes: number;
}

export interface Bundles {
  /** What `cdk synth` deploys. */
  cdk: BuiltVariant;
  /** Our code in one unminified file; every package imported from node_modules. */
  unbundled: BuiltVariant;
  /** The same bundle with the AWS SDK left to the runtime: a diagnostic of what bundling the SDK costs and saves. */
  alternative: BuiltVariant;
  /** What the CDK bundle imports instead of containing: at load (`static`, besides node: built-ins), or only if ever needed (`dynamic`). */
  externalImports: { static: string[]; dynamic: string[] };
  /** The largest packages inside the CDK bundle, in KB. */
  largestInputsKB: Record<string, number>;
}

function entryOf(name: string): string {
  const spec = functions.find((fn) => fn.name === name);
  if (!spec) throw new Error(`No function ${name} in the catalog`);
  return spec.entry;
}

async function buildVariant(label: string, options: BuildOptions): Promise<{ variant: BuiltVariant; metafile: Metafile }> {
  const result = await build({ ...options, metafile: true, logLevel: 'warning' });
  const file = options.outfile!;
  return { variant: { label, file, bytes: statSync(file).size }, metafile: result.metafile };
}

/** Builds the three variants under `dir` (inside the repository, so bare imports resolve from its node_modules). */
export async function buildBundles(dir: string): Promise<Bundles> {
  const entry = entryOf(API_FUNCTION);
  const cdkOptions = esbuildOptions(entry, join(dir, 'cdk', 'index.mjs'));
  const cdk = await buildVariant('CDK bundle', cdkOptions);
  const unbundled = await buildVariant('unbundled (node_modules)', {
    entryPoints: [resolve(REPO_ROOT, entry)],
    outfile: join(dir, 'unbundled', 'index.mjs'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: cdkOptions.target,
    format: 'esm',
  });
  const alternative = await buildVariant('CDK options, SDK external', {
    ...esbuildOptions(entry, join(dir, 'alternative', 'index.mjs')),
    // Powertools stays out as in the CDK bundle (it comes from the layer): only the SDK differs between the two.
    external: [...RUNTIME_PROVIDED_MODULES, ...POWERTOOLS_LAYER_MODULES],
  });

  const output = Object.values(cdk.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error('esbuild reported no entry output');
  const externals = (dynamic: boolean) =>
    [...new Set(output.imports.filter((i) => i.external && (i.kind === 'dynamic-import') === dynamic && !i.path.startsWith('node:')).map((i) => i.path))].sort();
  const externalImports = { static: externals(false), dynamic: externals(true) };
  const byPackage: Record<string, number> = {};
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? 'this repository';
    byPackage[pkg] = (byPackage[pkg] ?? 0) + bytesInOutput;
  }
  const largestInputsKB = Object.fromEntries(
    Object.entries(byPackage)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([pkg, bytes]) => [pkg, Math.round((bytes / 1024) * 10) / 10]),
  );
  return { cdk: cdk.variant, unbundled: unbundled.variant, alternative: alternative.variant, externalImports, largestInputsKB };
}

/** The environment a deployed delete-customer reads at cold start, with placeholder values: nothing is contacted. */
function coldStartEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...LOCAL_CREDENTIALS,
    ...deleteCustomerEnv({ tableName: 'bench-cold-init', jwksUrl: 'https://issuer.bench.invalid/.well-known/jwks.json', maxTokenAgeSeconds: 900, logLevel: 'INFO' }),
    // The SDK warns about Node 20 on stderr; same cost for every variant, so keep it quiet.
    NODE_NO_WARNINGS: '1',
  };
}

const PROBE = resolve(__dirname, 'import-probe.mjs');

function importOnce(file: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [PROBE, file], { env: coldStartEnv(), cwd: REPO_ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`import of ${relative(REPO_ROOT, file)} failed: ${stderr.trim() || error.message}`));
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise((JSON.parse(line) as { ms: number }).ms);
      } catch {
        reject(new Error(`probe printed no timing for ${relative(REPO_ROOT, file)}: ${stdout.trim()}`));
      }
    });
  });
}

export interface ColdInitResult {
  runsPerVariant: number;
  /** Milliseconds to import each variant in a fresh process. */
  cdkMs: Spread;
  unbundledMs: Spread;
  alternativeMs: Spread;
  /** median(CDK) / median(unbundled): the figure. */
  ratio: number;
  /** CDK / unbundled of each interleaved pair. */
  pairRatios: Spread;
  alternativeRatio: number;
}

/**
 * Imports each variant `runs` times in fresh processes, interleaved, rotating which goes first in
 * each cycle so that neither always runs right after the other. Two cycles are run first and
 * discarded (they fill the OS file cache for every file either variant reads).
 */
export async function measureColdInit(bundles: Bundles, runs: number, onProgress?: (done: number) => void): Promise<ColdInitResult> {
  const variants = [bundles.cdk, bundles.unbundled, bundles.alternative];
  const samples: number[][] = variants.map(() => []);
  const warmupCycles = 2;
  for (let cycle = 0; cycle < warmupCycles + runs; cycle += 1) {
    for (let k = 0; k < variants.length; k += 1) {
      const index = (cycle + k) % variants.length;
      const ms = await importOnce(variants[index]!.file);
      if (cycle >= warmupCycles) samples[index]!.push(ms);
    }
    if (cycle >= warmupCycles) onProgress?.(cycle - warmupCycles + 1);
  }
  const [cdkMs, unbundledMs, alternativeMs] = samples as [number[], number[], number[]];
  return {
    runsPerVariant: runs,
    cdkMs: spread(cdkMs),
    unbundledMs: spread(unbundledMs),
    alternativeMs: spread(alternativeMs),
    ratio: median(cdkMs) / median(unbundledMs),
    pairRatios: spread(pairRatios(cdkMs, unbundledMs)),
    alternativeRatio: median(alternativeMs) / median(unbundledMs),
  };
}
