import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { AUTHORIZE_PATH, authorizationServerRoutes, LOCAL_CONSOLE_CLIENT_ID, LOGOUT_PATH, TOKEN_PATH } from '../../../infra/local/authorization-server';
import { CONSOLE_SECURITY_HEADERS } from '../../../infra/local/console-build';
import { listenOn } from '../../../infra/local/ports';
import { loadOrCreateSigningKey } from '../../../infra/local/token-issuer';

/**
 * The local stack's authorization server (authorization code + PKCE, the console's sign-in) over real HTTP: the whole
 * flow, and each refusal RFC 6749 and RFC 7636 call for, in words.
 */

let dir: string;
let loginRecordFile: string;
let server: Server;
let base: string;
let clock = Date.now();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'authorization-server-'));
  loginRecordFile = join(dir, 'disabled-logins.json');
  writeFileSync(loginRecordFile, JSON.stringify({ version: 1, disabled: { 'gone-user': { account: 'acme', requestId: 'req-1', disabledAt: '2026-01-01T00:00:00.000Z' } } }));
  const serve = authorizationServerRoutes({ signingKey: await loadOrCreateSigningKey(join(dir, 'signing-key.json')), loginRecordFile, now: () => clock });
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    void serve(req, res, req.method ?? 'GET', url.pathname).then((served) => {
      if (!served) res.writeHead(404).end();
    });
  });
  base = `http://127.0.0.1:${await listenOn(server, 0, 'test authorization server')}`;
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(dir, { recursive: true, force: true });
});

const b64url = (buffer: Buffer) => buffer.toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

function authorizeParams(overrides: Record<string, string | undefined> = {}, challenge = pkce().challenge): URLSearchParams {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: LOCAL_CONSOLE_CLIENT_ID,
    redirect_uri: `${base}/console/`,
    scope: 'openid customers:read ops:redrive',
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  return new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
}

const identity = { decision: 'allow', role: 'ADMIN', accountId: 'platform', sub: 'operator-1' };

/** The sign-in page's POST: the answer's redirect, parsed. */
async function decide(form: URLSearchParams): Promise<{ status: number; location: URL }> {
  const response = await fetch(`${base}${AUTHORIZE_PATH}`, { method: 'POST', body: form, redirect: 'manual' });
  return { status: response.status, location: new URL(response.headers.get('location') ?? 'http://missing/') };
}

async function codeFor(challenge: string, extra: Record<string, string> = {}): Promise<string> {
  const form = authorizeParams({}, challenge);
  for (const [name, value] of Object.entries({ ...identity, ...extra })) form.set(name, value);
  form.delete('scope');
  form.append('scope', 'customers:read');
  form.append('scope', 'ops:redrive');
  const { status, location } = await decide(form);
  expect(status).toBe(303);
  return location.searchParams.get('code') ?? '';
}

async function exchange(fields: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${TOKEN_PATH}`, { method: 'POST', body: new URLSearchParams(fields) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

const tokenRequest = (code: string, verifier: string, overrides: Record<string, string> = {}) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: `${base}/console/`,
  client_id: LOCAL_CONSOLE_CLIENT_ID,
  code_verifier: verifier,
  ...overrides,
});

describe('the authorization endpoint', () => {
  it('shows the development sign-in page, with the requested scopes checked, under the console\'s security headers', async () => {
    const response = await fetch(`${base}${AUTHORIZE_PATH}?${authorizeParams().toString()}`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(Object.fromEntries(Object.keys(CONSOLE_SECURITY_HEADERS).map((h) => [h, response.headers.get(h)]))).toEqual(CONSOLE_SECURITY_HEADERS);
    expect(html).toContain('Development sign-in (local stack only)');
    expect(html).toContain('value="customers:read" checked');
    expect(html).toContain('value="ops:redrive" checked');
    expect(html).not.toContain('value="customers:purge" checked');
    expect(html).toContain('name="state" value="state-123"');
  });

  it('escapes what the client sent when it puts it in the page', async () => {
    const html = await (await fetch(`${base}${AUTHORIZE_PATH}?${authorizeParams({ state: '"><script>alert(1)</script>' }).toString()}`)).text();

    expect(html).not.toContain('<script>');
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
  });

  it.each([
    ['an unknown client', { client_id: 'someone-else' }, /Unknown client_id/],
    ['a redirect URI on another host', { redirect_uri: 'http://evil.example/console/' }, /redirect_uri must be this stack&#39;s console page/],
    ['a redirect URI on another path of this stack', { redirect_uri: '{base}/elsewhere' }, /redirect_uri must be/],
    ['a redirect URI with a query', { redirect_uri: '{base}/console/?x=1' }, /redirect_uri must be/],
    ['a redirect URI with a fragment', { redirect_uri: '{base}/console/#x' }, /redirect_uri must be/],
    ['a redirect URI over another scheme', { redirect_uri: '{https-base}/console/' }, /redirect_uri must be/],
    ['no redirect URI', { redirect_uri: undefined }, /redirect_uri must be/],
  ] as [string, Record<string, string | undefined>, RegExp][])('refuses %s on its own page, never redirecting there', async (_case, overrides, message) => {
    const params = authorizeParams(overrides);
    const uri = params.get('redirect_uri');
    if (uri !== null) params.set('redirect_uri', uri.replace('{base}', base).replace('{https-base}', base.replace('http:', 'https:')));
    const response = await fetch(`${base}${AUTHORIZE_PATH}?${params.toString()}`, { redirect: 'manual' });

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(message);
  });

  it.each([
    ['no PKCE challenge', { code_challenge: undefined }, /code_challenge must be/],
    ['the plain method', { code_challenge_method: 'plain' }, /PKCE is required; plain is not accepted/],
    ['the implicit grant', { response_type: 'token' }, /response_type must be code/],
  ])('sends %s back to the client as invalid_request, with its state', async (_case, overrides, message) => {
    const response = await fetch(`${base}${AUTHORIZE_PATH}?${authorizeParams(overrides).toString()}`, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'http://missing/');

    expect(response.status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe(`${base}/console/`);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(message);
    expect(location.searchParams.get('state')).toBe('state-123');
  });

  it('answers a cancelled sign-in with access_denied', async () => {
    const form = authorizeParams();
    form.set('decision', 'deny');
    const { location } = await decide(form);

    expect(Object.fromEntries(location.searchParams)).toEqual({ error: 'access_denied', error_description: 'The sign-in was cancelled', state: 'state-123' });
  });

  it.each([
    ['a role the service does not know', { role: 'ROOT' }, /role must be one of ADMIN, MASTER, RESALE/],
    ['no account', { accountId: ' ' }, /sub and accountId are required/],
    ['an unknown scope', { scope: 'everything:all' }, /unknown: everything:all/],
  ])('refuses %s, saying why', async (_case, overrides, message) => {
    const form = authorizeParams();
    for (const [name, value] of Object.entries({ ...identity, ...overrides })) form.set(name, value);
    const { location } = await decide(form);

    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(message);
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses a login a deletion disabled, naming the request', async () => {
    const form = authorizeParams();
    for (const [name, value] of Object.entries({ ...identity, sub: 'gone-user' })) form.set(name, value);
    const { location } = await decide(form);

    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('Login gone-user was disabled by deletion request req-1');
  });
});

describe('the token endpoint', () => {
  it('trades a code and its verifier for an access token with the chosen identity, once', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);

    const first = await exchange(tokenRequest(code, verifier));
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'customers:read ops:redrive' });
    expect(decodeJwt(String(first.body.access_token))).toMatchObject({ sub: 'operator-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:read ops:redrive' });

    const again = await exchange(tokenRequest(code, verifier));
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: 'The code is unknown, expired or already used' } });
  });

  it.each([
    ['a verifier that is not the challenge\'s', (v: string) => ({ code_verifier: `${v.slice(0, -1)}${v.endsWith('A') ? 'B' : 'A'}` }), 'invalid_grant', /does not match the code challenge/],
    ['a verifier too short', () => ({ code_verifier: 'short' }), 'invalid_request', /43-128 unreserved characters/],
    ['another client', () => ({ client_id: 'someone-else' }), 'invalid_grant', /another client/],
    ['another redirect URI', () => ({ redirect_uri: 'http://127.0.0.1:1/console/' }), 'invalid_grant', /redirect_uri differs/],
    ['another grant', () => ({ grant_type: 'client_credentials' }), 'unsupported_grant_type', /must be authorization_code/],
  ])('refuses %s, and the code is spent', async (_case, change, error, description) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);

    const refused = await exchange(tokenRequest(code, verifier, change(verifier)));
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe(error);
    expect(String(refused.body.error_description)).toMatch(description);
    expect(refused.body.access_token).toBeUndefined();
    // A refused code is spent; a request refused before it names a code (another grant) leaves the code as it was.
    const retried = await exchange(tokenRequest(code, verifier));
    expect(retried.body.error ?? 'token issued').toBe(error === 'unsupported_grant_type' ? 'token issued' : 'invalid_grant');
  });

  it('refuses a body over 8 KiB with 413', async () => {
    const answer = await exchange({ grant_type: 'authorization_code', code: 'x'.repeat(9000) });

    expect(answer).toMatchObject({ status: 413, body: { error: 'invalid_request' } });
  });

  it('mints nothing for a login a deletion disabled after its code was issued', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge, { sub: 'soon-gone' });
    writeFileSync(loginRecordFile, JSON.stringify({ version: 1, disabled: { 'soon-gone': { account: 'platform', requestId: 'req-2', disabledAt: '2026-01-02T00:00:00.000Z' } } }));

    expect((await exchange(tokenRequest(code, verifier))).body).toMatchObject({ error: 'invalid_grant', error_description: 'Login soon-gone was disabled by deletion request req-2; no token minted' });
  });

  it('refuses a code older than a minute', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    clock += 61_000;

    expect((await exchange(tokenRequest(code, verifier))).body).toMatchObject({ error: 'invalid_grant', error_description: 'The code is unknown, expired or already used' });
  });
});

describe('the logout endpoint and the names it answers on', () => {
  it('sends the console back to its page, and refuses any other place on its own page', async () => {
    const back = await fetch(`${base}${LOGOUT_PATH}?client_id=${LOCAL_CONSOLE_CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent(`${base}/console/`)}`, { redirect: 'manual' });
    const elsewhere = await fetch(`${base}${LOGOUT_PATH}?client_id=${LOCAL_CONSOLE_CLIENT_ID}&post_logout_redirect_uri=${encodeURIComponent('http://evil.example/')}`, { redirect: 'manual' });

    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${base}/console/`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.headers.get('location')).toBeNull();
    expect(await elsewhere.text()).toMatch(/post_logout_redirect_uri must be this stack/);
  });

  it('answers only requests addressed to this machine (a DNS-rebinding page gets 421, and no page)', async () => {
    const statusFor = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const url = new URL(`${base}${AUTHORIZE_PATH}?${authorizeParams().toString()}`);
        request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });

    expect(await statusFor('rebound.example:80')).toBe(421);
    expect(await statusFor(new URL(base).host)).toBe(200);
  });
});
