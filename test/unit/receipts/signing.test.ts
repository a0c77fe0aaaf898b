import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { base64url, CompactSign, compactVerify, createLocalJWKSet, decodeProtectedHeader, importJWK } from 'jose';
import { receiptPayload, type ReceiptPayload } from '../../../shared/domain/receipt';
import { FileReceiptSigner, loadOrCreateReceiptKey } from '../../../shared/adapters/keys/file-receipt-signer';
import { KmsReceiptSigner } from '../../../shared/adapters/kms/kms-receipt-signer';
import { receiptJwk, receiptKid, signReceipt } from '../../../shared/receipts/jws';
import { describeReceipt, verifyReceipt } from '../../../shared/receipts/verify';
import { startFakeKms, type FakeKms } from './fake-kms';

const payload: ReceiptPayload = receiptPayload(
  {
    requestId: 'req-42',
    type: 'user.delete',
    subject: { type: 'user', customerId: 'acme', userId: 'u-1' },
    actor: { sub: 'reseller-admin', role: 'RESALE', accountId: 'reseller-1' },
    mode: 'hard',
    status: 'SUCCESS',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:04.000Z',
    steps: { devices: { status: 'SUCCESS', attempts: 1, updatedAt: '2026-01-01T00:00:04.000Z', count: 3 } },
  },
  { issuer: 'https://issuer.example', issuedAt: new Date('2026-01-01T00:01:00.000Z') },
);

function keyFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'receipt-key-')), 'keys', 'receipt-key.json');
}

/** Flips one character of a part of a compact JWS (0 header, 1 payload, 2 signature). */
function tamper(jws: string, part: number): string {
  const parts = jws.split('.');
  const text = parts[part]!;
  const index = Math.floor(text.length / 2);
  parts[part] = `${text.slice(0, index)}${text[index] === 'A' ? 'B' : 'A'}${text.slice(index + 1)}`;
  return parts.join('.');
}

describe('the file-key signer (local stack)', () => {
  it('creates a private key file once (0600) and keeps using it', () => {
    const file = keyFile();
    const first = loadOrCreateReceiptKey(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateReceiptKey(file)).toEqual(first);
    expect(first.publicJwk).toEqual({ kty: 'EC', crv: 'P-256', x: first.privateJwk.x, y: first.privateJwk.y });
  });

  it('signs an ES256 receipt that verifies with jose against its JWKS, typ and kid as SPEC says', async () => {
    const signer = new FileReceiptSigner(keyFile());
    const jws = await signReceipt(payload, signer);
    const jwk = await receiptJwk(await signer.publicJwk());
    expect(jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: await receiptKid(jwk), alg: 'ES256', use: 'sig' });
    expect(jwk).not.toHaveProperty('d');
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', kid: jwk.kid, typ: 'deletion-receipt+jwt' });

    // Any JOSE library: plain compactVerify with the published key.
    const { payload: bytes } = await compactVerify(jws, await importJWK(jwk, 'ES256'));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(payload);

    const verified = await verifyReceipt(jws, { keys: [jwk] });
    expect(verified.payload).toEqual(payload);
    const lines = describeReceipt(verified).join('\n');
    expect(lines).toContain('Request req-42: user.delete (hard) of user u-1 of customer acme');
    expect(lines).toContain('Step devices: SUCCESS at 2026-01-01T00:00:04.000Z (3 changed).');
    expect(lines).toContain('Erased: user.name, user.email.');
    expect(lines).toContain('Retained: audit trail (legal obligation (GDPR Art. 17(3)(b))).');
  });

  it.each([
    ['header', 0],
    ['payload', 1],
    ['signature', 2],
  ])('fails when one character of the %s is changed', async (_part, index) => {
    const signer = new FileReceiptSigner(keyFile());
    const jws = await signReceipt(payload, signer);
    const jwks = { keys: [await receiptJwk(await signer.publicJwk())] };
    await expect(verifyReceipt(tamper(jws, index), jwks)).rejects.toThrow();
  });

  it('fails with another key, a wrong typ, another alg or no kid', async () => {
    const file = keyFile();
    const signer = new FileReceiptSigner(file);
    const other = new FileReceiptSigner(keyFile());
    const jws = await signReceipt(payload, signer);
    const mine = await receiptJwk(await signer.publicJwk());
    const theirs = await receiptJwk(await other.publicJwk());
    await expect(verifyReceipt(jws, { keys: [theirs] })).rejects.toThrow(/no applicable key|matching/i);
    // Their key under my kid: the signature does not verify.
    await expect(verifyReceipt(jws, { keys: [{ ...theirs, kid: mine.kid }] })).rejects.toThrow(/signature/i);

    const [, body, signature] = jws.split('.');
    const reheader = (header: Record<string, unknown>) => `${base64url.encode(JSON.stringify(header))}.${body}.${signature}`;
    // Signed for real by the same key, but typed as something else (an access token): refused.
    const asJwt = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
      .setProtectedHeader({ alg: 'ES256', kid: mine.kid, typ: 'JWT' })
      .sign(await importJWK(loadOrCreateReceiptKey(file).privateJwk, 'ES256'));
    await expect(verifyReceipt(asJwt, { keys: [mine] })).rejects.toThrow(/typ/);
    await expect(verifyReceipt(reheader({ alg: 'ES256', kid: mine.kid, typ: 'JWT' }), { keys: [mine] })).rejects.toThrow();
    await expect(verifyReceipt(reheader({ alg: 'ES256', typ: 'deletion-receipt+jwt' }), { keys: [mine] })).rejects.toThrow(/kid/);
    await expect(verifyReceipt(reheader({ alg: 'HS256', kid: mine.kid, typ: 'deletion-receipt+jwt' }), { keys: [mine] })).rejects.toThrow();
  });
});

describe('the KMS signer, against a local endpoint speaking KMS JSON', () => {
  let kms: FakeKms;
  let client: KMSClient;
  beforeAll(async () => {
    kms = await startFakeKms();
    client = new KMSClient({ endpoint: kms.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  });
  afterAll(async () => {
    client?.destroy();
    await kms?.close();
  });

  it('signs the SHA-256 digest (MessageType DIGEST), converts DER to JOSE, and what it signs verifies with jose', async () => {
    const keyArn = 'arn:aws:kms:us-east-1:000000000000:key/receipt';
    const signer = new KmsReceiptSigner(client, keyArn);
    const jws = await signReceipt(payload, signer);
    const jwk = await receiptJwk(await signer.publicJwk());
    expect(jwk).toEqual(expect.objectContaining(kms.publicJwk));
    expect((await verifyReceipt(jws, { keys: [jwk] })).payload).toEqual(payload);
    await expect(verifyReceipt(tamper(jws, 1), { keys: [jwk] })).rejects.toThrow();

    const signs = kms.calls.filter((c) => c.target === 'TrentService.Sign');
    expect(signs).toHaveLength(1);
    expect(signs[0]?.body).toEqual(expect.objectContaining({ KeyId: keyArn, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(Buffer.from(String(signs[0]?.body.Message), 'base64')).toHaveLength(32);
  });

  it('asks GetPublicKey once per cold start', async () => {
    const before = kms.calls.filter((c) => c.target === 'TrentService.GetPublicKey').length;
    const signer = new KmsReceiptSigner(client, 'key-2');
    const jwks = createLocalJWKSet({ keys: [await receiptJwk(await signer.publicJwk())] });
    await signReceipt(payload, signer);
    await signReceipt(payload, signer);
    expect(kms.calls.filter((c) => c.target === 'TrentService.GetPublicKey').length - before).toBe(1);
    expect(jwks).toBeInstanceOf(Function);
  });
});

it('keeps the key file out of git', () => {
  expect(readFileSync(join(__dirname, '../../../.gitignore'), 'utf8')).toMatch(/^\.local\/?$/m);
});
