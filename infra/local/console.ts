import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import type { ConsoleConfig } from '../../console/src/config';
import { OPERATOR_SCOPES } from '../../shared/domain/operator-scopes';
import { AUTHORIZE_PATH, LOCAL_CONSOLE_CLIENT_ID, LOGOUT_PATH, TOKEN_PATH } from './authorization-server';
import { CONSOLE_DIR, CONSOLE_SECURITY_HEADERS, consoleBuildOptions } from './console-build';

export { CONSOLE_CSP, CONSOLE_DIR, CONSOLE_SECURITY_HEADERS, consoleBuildOptions } from './console-build';

/** The bundle's text, built now (the local stack builds at start, so what it serves is never stale). */
export async function buildConsoleBundle(): Promise<string> {
  const result = await build({ ...consoleBuildOptions(), write: false, outfile: 'app.js' });
  const [file] = result.outputFiles ?? [];
  if (!file) throw new Error('esbuild produced no console bundle');
  return file.text;
}

/**
 * The local stack's console: `/console/` (index.html, app.css, app.js, config.json). Its config.json points the
 * console's sign-in at the local authorization server (./authorization-server.ts): the same authorization-code + PKCE
 * flow the console runs against the stage's issuer in AWS. Answers `false` for any other path.
 */
export function consoleRoutes(options: { bundle: string }) {
  const config: ConsoleConfig = {
    apiUrl: '',
    signIn: {
      authorizationEndpoint: AUTHORIZE_PATH,
      tokenEndpoint: TOKEN_PATH,
      clientId: LOCAL_CONSOLE_CLIENT_ID,
      scope: ['openid', ...OPERATOR_SCOPES].join(' '),
      provider: 'the local development issuer',
      logout: { endpoint: LOGOUT_PATH, returnParameter: 'post_logout_redirect_uri' },
    },
  };
  const files: Record<string, { type: string; body: () => string }> = {
    '/console/': { type: 'text/html; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'index.html'), 'utf8') },
    '/console/index.html': { type: 'text/html; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'index.html'), 'utf8') },
    '/console/app.css': { type: 'text/css; charset=utf-8', body: () => readFileSync(resolve(CONSOLE_DIR, 'app.css'), 'utf8') },
    '/console/app.js': { type: 'text/javascript; charset=utf-8', body: () => options.bundle },
    '/console/config.json': { type: 'application/json', body: () => JSON.stringify(config) },
  };
  const send = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...CONSOLE_SECURITY_HEADERS });
    res.end(body);
  };
  return async (_req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<boolean> => {
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
    return false;
  };
}
