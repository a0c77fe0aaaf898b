import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { consoleRoutes, CONSOLE_SECURITY_HEADERS } from '../../../infra/local/console';
import { loadOrCreateSigningKey } from '../../../infra/local/token-issuer';

/** The local stack's development sign-in (POST /console/dev/token): what it mints, and every refusal, in words. */

let dir: string;
let handle: ReturnType<typeof consoleRoutes>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-dev-token-'));
  const loginRecordFile = join(dir, 'disabled-logins.json');
  writeFileSync(loginRecordFile, JSON.stringify({ version: 1, disabled: { 'gone-user': { account: 'acme', requestId: 'req-1', disabledAt: '2026-01-01T00:00:00.000Z' } } }));
  handle = consoleRoutes({ bundle: '', signingKey: await loadOrCreateSigningKey(join(dir, 'signing-key.json')), loginRecordFile });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** Posts `body` (a string as it is, anything else as JSON) to the route with a request and response that record what it does. */
async function post(body: unknown): Promise<Answer> {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const req = (async function* () {
    yield raw;
  })() as unknown as IncomingMessage;
  const answer: Answer = { status: 0, headers: {}, body: {} };
  const res = {
    writeHead(status: number, headers: Record<string, unknown>) {
      answer.status = status;
      answer.headers = headers;
      return this;
    },
    end(text: string) {
      answer.body = JSON.parse(text) as Record<string, unknown>;
    },
  } as unknown as ServerResponse;
  expect(await handle(req, res, 'POST', '/console/dev/token')).toBe(true);
  return answer;
}

describe('POST /console/dev/token', () => {
  it('mints a token with the chosen subject, account, role and scopes', async () => {
    const { status, headers, body } = await post({ sub: 'operator-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:read ops:redrive' });

    expect(status).toBe(200);
    expect(headers).toMatchObject({ 'cache-control': 'no-store', ...CONSOLE_SECURITY_HEADERS });
    expect(decodeJwt(String(body.token))).toMatchObject({ sub: 'operator-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:read ops:redrive' });
  });

  it.each([
    ['not JSON', '{sub:', /Body must be JSON/],
    ['JSON that is not an object', 'null', /Body must be JSON/],
    ['no account', { sub: 'operator-1' }, /sub and accountId are required/],
    ['an empty subject', { sub: '  ', accountId: 'platform' }, /sub and accountId are required/],
    ['a role the service does not know', { sub: 'operator-1', accountId: 'platform', role: 'ROOT' }, /role must be one of ADMIN, MASTER, RESALE/],
    ['an empty role', { sub: 'operator-1', accountId: 'platform', role: '' }, /role must be one of/],
    ['an unknown scope', { sub: 'operator-1', accountId: 'platform', role: 'ADMIN', scope: 'customers:read everything:all' }, /unknown: everything:all/],
    ['a scope that is not a string', { sub: 'operator-1', accountId: 'platform', role: 'ADMIN', scope: ['customers:read'] }, /scope must be space-separated scopes/],
  ])('refuses %s with 400 and says why', async (_case, body, message) => {
    const answer = await post(body);

    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toMatch(message);
    expect(answer.body.token).toBeUndefined();
  });

  it('refuses, with 403, a login a deletion disabled, naming the request', async () => {
    const answer = await post({ sub: 'gone-user', accountId: 'acme', role: 'RESALE', scope: 'customers:read' });

    expect(answer).toMatchObject({ status: 403, body: { message: 'Login gone-user was disabled by deletion request req-1; no token minted' } });
  });

  it('refuses a body over 4 KiB with 413', async () => {
    const answer = await post({ sub: 'operator-1', accountId: 'platform', padding: 'x'.repeat(5000) });

    expect(answer.status).toBe(413);
  });
});
