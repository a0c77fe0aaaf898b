import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { readLoginRecord } from '../../shared/adapters/identity/local-identity-provider';
import { SCOPES } from '../../shared/domain/model';
import { OPS_SCOPE } from '../../shared/domain/queue-operations';
import { CONSOLE_DIR, CONSOLE_SECURITY_HEADERS, consoleBuildOptions } from './console-build';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

export { CONSOLE_CSP, CONSOLE_DIR, CONSOLE_SECURITY_HEADERS, consoleBuildOptions } from './console-build';

type StoredKey = Awaited<ReturnType<typeof loadOrCreateSigningKey>>;

/** The bundle's text, built now (the local stack builds at start, so what it serves is never stale). */
export async function buildConsoleBundle(): Promise<string> {
  const result = await build({ ...consoleBuildOptions(), write: false, outfile: 'app.js' });
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error('esbuild produced no console bundle');
  return file.text;
}

const MAX_DEV_TOKEN_BODY = 4096;

/** What the development sign-in may mint: the service's roles and scopes, so a typo is refused rather than minted into a token every route then refuses. */
export const DEV_ROLES: readonly string[] = ['ADMIN', 'MASTER', 'RESALE'];
export const DEV_SCOPES: readonly string[] = [...Object.values(SCOPES), OPS_SCOPE];

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
        // `null`, a number or an array parse too: only an object has the fields.
        if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new TypeError('not an object');
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
      const role = input.role === undefined ? undefined : text(input.role);
      if (input.role !== undefined && (role === undefined || !DEV_ROLES.includes(role))) {
        send(res, 400, 'application/json', JSON.stringify({ message: `role must be one of ${DEV_ROLES.join(', ')}` }));
        return true;
      }
      const scopes = typeof input.scope === 'string' ? input.scope.split(' ').filter((s) => s !== '') : [];
      const unknownScopes = scopes.filter((s) => !DEV_SCOPES.includes(s));
      if ((input.scope !== undefined && typeof input.scope !== 'string') || unknownScopes.length > 0) {
        send(res, 400, 'application/json', JSON.stringify({ message: `scope must be space-separated scopes of ${DEV_SCOPES.join(', ')}${unknownScopes.length > 0 ? `; unknown: ${unknownScopes.join(', ')}` : ''}` }));
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
        ...(role !== undefined ? { role } : {}),
        ...(typeof input.scope === 'string' ? { scope: scopes.join(' ') } : {}),
      });
      send(res, 200, 'application/json', JSON.stringify({ token }));
      return true;
    }
    return false;
  };
}
