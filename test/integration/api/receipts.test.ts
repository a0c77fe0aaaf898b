import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { LocalStack } from '../../../infra/local/stack';
import { runReceiptCli } from '../../../infra/local/receipt-cli';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { tokenFor } from '../../fixtures/tokens';
import { eventually } from '../support/emulators';
import { call, startTestStack } from './stack-harness';

/**
 * SPEC "Signed deletion receipt", through real HTTP on the local stack: a deletion's cascade reaches
 * SUCCESS, the receipt-signer (a stream consumer) signs it once, the receipt route returns the
 * compact JWS and it verifies with jose against the served JWKS; before that, 409 REQUEST_1003.
 */

let stack: LocalStack;
let requestId: string;
const RESELLER = { sub: 'u-r1b', accountId: 'r-1', role: 'RESALE', scope: 'users:delete' };

beforeAll(async () => {
  const seed = new SeedBuilder()
    .customer('r-1', null)
    .user('u-r1', 'r-1')
    .user('u-r1b', 'r-1')
    .customer('acme', 'r-1')
    .user('u-leave', 'acme')
    .device('d-leave', 'acme', 'u-leave')
    .session('s-leave', 'acme', 'u-leave')
    .customer('r-2', null)
    .user('u-r2', 'r-2');
  // Pollers off at first: the request stays IN_PROGRESS until the test starts them.
  stack = await startTestStack(seed.build());
  const accepted = await call(stack, 'DELETE', '/api/v2/customer/acme/user/u-leave', { token: await tokenFor(RESELLER) });
  if (accepted.status !== 200) throw new Error(`setup: deletion refused (${accepted.status})`);
  requestId = (accepted.json.content as { requestId: string }[])[0]!.requestId;
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

const receiptOf = async (token: string) => call(stack, 'GET', `/api/v2/requests/${requestId}/receipt`, { token });

it('answers 409 REQUEST_1003 while the request is IN_PROGRESS', async () => {
  const response = await receiptOf(await tokenFor(RESELLER));
  expect(response.status).toBe(409);
  expect(response.json).toEqual({ errorCode: 'REQUEST_1003', errorMessage: 'Request is not complete', content: '', pageable: '' });
});

describe('once the cascade has run', () => {
  let receipt: string;
  let jwks: JSONWebKeySet;

  beforeAll(async () => {
    for (const poller of stack.sqsPollers.values()) poller.start();
    for (const poller of stack.streamPollers.values()) poller.start();
    const token = await tokenFor(RESELLER);
    receipt = await eventually(
      async () => {
        const response = await receiptOf(token);
        return response.status === 200 ? (response.json.content as { requestId: string; receipt: string }[])[0]?.receipt : undefined;
      },
      30000,
      'receipt signed',
    );
    const keys = await call(stack, 'GET', '/.well-known/deletion-receipt-keys.json');
    if (keys.status !== 200) throw new Error(`setup: the keys route answered ${keys.status}`);
    jwks = keys.json as unknown as JSONWebKeySet;
  }, 40000);

  it('serves a JWKS of public parts only, kid the thumbprint, ES256, for signatures (no token needed)', () => {
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    }
  });

  it('returns a compact JWS that verifies with jose against the served JWKS, and says what happened', async () => {
    expect(decodeProtectedHeader(receipt)).toEqual({ alg: 'ES256', kid: jwks.keys[0]!.kid, typ: 'deletion-receipt+jwt' });
    const { payload } = await jwtVerify(receipt, createLocalJWKSet(jwks), { algorithms: ['ES256'], typ: 'deletion-receipt+jwt' });
    const status = await call(stack, 'GET', `/api/v2/requests/${requestId}`, { token: await tokenFor(RESELLER) });
    const view = (status.json.content as { status: string; createdAt: string; accessRevokedAt?: string; steps: Record<string, { status: string; updatedAt: string }> }[])[0]!;
    expect(view.status).toBe('SUCCESS');
    expect(payload).toMatchObject({
      jti: requestId,
      type: 'user.delete',
      subject: { type: 'user', customerId: 'acme', userId: 'u-leave' },
      actor: { sub: 'u-r1b', role: 'RESALE', accountId: 'r-1' },
      mode: 'hard',
      requestedAt: view.createdAt,
      accessRevokedAt: view.accessRevokedAt,
      erased: ['user.name', 'user.email'],
      retained: [{ what: 'audit trail', basis: 'legal obligation (GDPR Art. 17(3)(b))' }],
    });
    expect(Object.fromEntries(Object.entries(payload.steps as Record<string, { status: string; completedAt: string }>).map(([n, s]) => [n, [s.status, s.completedAt]]))).toEqual(
      Object.fromEntries(Object.entries(view.steps).map(([n, s]) => [n, [s.status, s.updatedAt]])),
    );
  });

  it('is signed once: the same receipt on every read', async () => {
    expect((await receiptOf(await tokenFor(RESELLER))).json.content).toEqual([{ requestId, receipt }]);
  });

  it('is read with the request status visibility: another account gets 404 REQUEST_1002, an ADMIN reads it', async () => {
    const other = await receiptOf(await tokenFor({ sub: 'u-r2', accountId: 'r-2', role: 'RESALE' }));
    expect(other.status).toBe(404);
    expect(other.json).toMatchObject({ errorCode: 'REQUEST_1002' });
    const missing = await call(stack, 'GET', '/api/v2/requests/no-such-request/receipt', { token: await tokenFor(RESELLER) });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ errorCode: 'REQUEST_1002' });
    const admin = await receiptOf(await tokenFor({ sub: 'admin', accountId: 'root', role: 'ADMIN' }));
    expect(admin.status).toBe(200);
  });

  it('verifies offline with npm run receipt -- verify FILE --jwks FILE|URL, and says why a tampered one fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'receipt-'));
    writeFileSync(join(dir, 'receipt.jwt'), receipt);
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));
    const lines: string[] = [];
    expect(await runReceiptCli(['verify', join(dir, 'receipt.jwt'), '--jwks', join(dir, 'jwks.json')], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toContain(`Request ${requestId}: user.delete (hard) of user u-leave of customer acme`);
    expect(lines.join('\n')).toContain('Erased: user.name, user.email.');

    const served: string[] = [];
    expect(await runReceiptCli(['verify', join(dir, 'receipt.jwt'), '--jwks', `${stack.url}/.well-known/deletion-receipt-keys.json`], (l) => served.push(l))).toBe(0);

    const [h, p, s] = receipt.split('.') as [string, string, string];
    const flipped = `${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}`;
    writeFileSync(join(dir, 'tampered.jwt'), `${h}.${flipped}.${s}`);
    const failed: string[] = [];
    expect(await runReceiptCli(['verify', join(dir, 'tampered.jwt'), '--jwks', join(dir, 'jwks.json')], (l) => failed.push(l))).toBe(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^Receipt NOT valid: /);
  });

  it('refuses a revoked actor first: 401 AUTH_1001', async () => {
    const deleted = await call(stack, 'DELETE', '/api/v2/customer/r-1/user/u-r1', { token: await tokenFor(RESELLER) });
    expect(deleted.status).toBe(200);
    const response = await receiptOf(await tokenFor({ sub: 'u-r1', accountId: 'r-1', role: 'RESALE' }));
    expect(response.status).toBe(401);
    expect(response.json).toMatchObject({ errorCode: 'AUTH_1001' });
  });
});
