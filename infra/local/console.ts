import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { readLoginRecord } from '../../shared/adapters/identity/local-identity-provider';
import { repoRoot } from './local-config';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

type StoredKey = Awaited<ReturnType<typeof loadOrCreateSigningKey>>;

/** The operator console's sources: static files beside a TypeScript entry bundled by esbuild. */
export const CONSOLE_DIR = resolve(repoRoot, 'console');

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

/** The bundle's text, built now (the local stack builds at start, so what it serves is never stale). */
export async function buildConsoleBundle(): Promise<string> {
  const result = await build({ ...consoleBuildOptions(), write: false, outfile: 'app.js' });
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error('esbuild produced no console bundle');
  return file.text;
}

/** What the console may load and call: its own origin only; no inline script, no framing. The same policy as CloudFront's. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const CONSOLE_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const MAX_DEV_TOKEN_BODY = 4096;

/**
 * The local stack's console: `/console/` (index.html, app.css, app.js, config.json) and the development sign-in's
 * `POST /console/dev/token`, which mints through the local issuer (a route that exists only here, never in AWS) and,
 * as `npm run token` does, refuses a login a deletion disabled. Answers `false` for any other path.
 */
export function consoleRoutes(options: { bundle: string; signingKey: StoredKey; loginRecordFile: string }) {
  const files: Record<string, { type: string; body: () => string }> = {
    '/console/': { type: 'text/html; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'index.html'), 'utf8') },
    '/console/index.html': { type: 'text/html; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'index.html'), 'utf8') },
    '/console/app.css': { type: 'text/css; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'app.css'), 'utf8') },
    '/console/app.js': { type: 'text/javascript; charset=utf-8', body: () => options.bundle },
    // Same origin as the API; the development sign-in is offered here only.
    '/console/config.json': { type: 'application/json', body: () => JSON.stringify({ apiUrl: '', devSignIn: true }) },
  };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...CONSOLE_SECURITY_HEADERS });
    res.end(body);
  };
  return async (req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<boolean> => {
    if (pathname === '/console') {
      res.writeHead(308, { location: '/console/' });
      res.end();
      return true;
    }
    if (method === 'GET' && Object.hasOwn(files, pathname)) {
      const file = files[pathname] as { type: string; body: () => string };
      send(res, 200, file.type, file.body());
      return true;
    }
    if (method === 'POST' && pathname === '/console/dev/token') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_DEV_TOKEN_BODY) return send(res, 413, 'application/json', JSON.stringify({ message: 'Request Entity Too Large' })), true;
        chunks.push(chunk as Buffer);
      }
      let input: { sub?: unknown; accountId?: unknown; role?: unknown; scope?: unknown };
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof input;
      } catch {
        send(res, 400, 'application/json', JSON.stringify({ message: 'Body must be JSON: { sub, accountId, role, scope }' }));
        return true;
      }
      const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' && value.length <= 128 ? value.trim() : undefined);
      const sub = text(input.sub);
      const accountId = text(input.accountId);
      if (!sub || !accountId) {
        send(res, 400, 'application/json', JSON.stringify({ message: 'sub and accountId are required (1-128 characters)' }));
        return true;
      }
      const disabled = readLoginRecord(options.loginRecordFile).disabled[sub];
      if (disabled) {
        send(res, 403, 'application/json', JSON.stringify({ message: `Login ${sub} was disabled by deletion request ${disabled.requestId}; no token minted` }));
        return true;
      }
      const token = await mintToken(options.signingKey, {
        sub,
        accountId,
        ...(text(input.role) ? { role: text(input.role) } : {}),
        ...(typeof input.scope === 'string' ? { scope: input.scope.slice(0, 512) } : {}),
      });
      send(res, 200, 'application/json', JSON.stringify({ token }));
      return true;
    }
    return false;
  };
}
