import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSync, type BuildOptions } from 'esbuild';
import { repoRoot } from './local-config';

/**
 * The operator console's one build, shared by the local stack (bundled in memory at start), `npm run console:build`
 * (console/dist/) and the CDK app (the console stack's asset, bundled at synth). Kept apart from ./console.ts, whose
 * development sign-in pulls in the local issuer: the CDK app imports this file and nothing local-only.
 */

/** The operator console's sources: static files beside a TypeScript entry bundled by esbuild. */
export const CONSOLE_DIR = resolve(repoRoot, 'console');
/** Where `npm run console:build` writes (git-ignored). */
export const CONSOLE_DIST_DIR = resolve(CONSOLE_DIR, 'dist');
/** The static files shipped as they are, beside the bundle (app.js). */
const CONSOLE_STATIC_FILES = ['index.html', 'app.css'] as const;

/** One bundle, built the same way for the local stack (in memory) and for the AWS deployment (`npm run console:build`). */
export function consoleBuildOptions(): BuildOptions {
  return {
    entryPoints: [resolve(CONSOLE_DIR, 'src', 'main.tsx')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/**
 * Writes the deployable console into `outDir`: index.html, app.css and app.js (config.json is not built: the local
 * stack serves its own, and in AWS the deployment writes the stage's). Synchronous, because CDK's local bundling is.
 * Anything else already in `outDir` is removed first, so nothing stale ships beside the new build. Throws, with
 * esbuild's messages, when the sources do not build.
 */
export function writeConsoleDist(outDir: string = CONSOLE_DIST_DIR): string[] {
  mkdirSync(outDir, { recursive: true });
  for (const entry of readdirSync(outDir)) rmSync(resolve(outDir, entry), { recursive: true, force: true });
  buildSync({ ...consoleBuildOptions(), outfile: resolve(outDir, 'app.js'), write: true });
  for (const file of CONSOLE_STATIC_FILES) copyFileSync(resolve(CONSOLE_DIR, file), resolve(outDir, file));
  return readdirSync(outDir).sort();
}

/**
 * The console's Content-Security-Policy: its own origin only, no inline script, no framing. `connectSources` are the
 * origins it may call besides its own: none locally (the API is same-origin there); in AWS the API's origin and the
 * stage's issuer (CloudFront serves the console from another origin than the API's).
 */
export function consoleCsp(connectSources: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ["connect-src 'self'", ...connectSources].join(' '),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The local stack's policy (the API is on the console's origin). */
export const CONSOLE_CSP = consoleCsp();

/** The headers the local stack sends with every console file; CloudFront's response headers policy sends the same (and HSTS, HTTPS being its only protocol). */
export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};
