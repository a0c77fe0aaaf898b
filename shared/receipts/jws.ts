import { base64url, calculateJwkThumbprint, type JWK } from 'jose';
import { RECEIPT_TYPE, type ReceiptPayload } from '../domain/receipt';

/**
 * Compact JWS (ES256) for deletion receipts, built by hand around a signer port, because the key may
 * be in KMS: its `Sign` takes at most 4 KB of raw message, but any size with `MessageType: DIGEST`,
 * and a receipt with many steps and a long reason can pass 4 KB. ES256 signs SHA-256 of the signing
 * input `base64url(header).base64url(payload)`, so KMS signing that digest is exactly ES256.
 */

export const RECEIPT_ALG = 'ES256';

/** The port: whatever holds the private key (KMS in AWS, a file locally). */
export interface ReceiptSigner {
  /** The public key, as a JWK with public members only (`kty`, `crv`, `x`, `y`). */
  publicJwk(): Promise<JWK>;
  /** The ES256 signature of a JWS signing input (ECDSA P-256 over its SHA-256), in JOSE form (r || s, 64 bytes).
   * KMS is sent only the digest (`MessageType: DIGEST`); a local key signs the input itself. */
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

export interface ReceiptHeader {
  alg: typeof RECEIPT_ALG;
  kid: string;
  typ: typeof RECEIPT_TYPE;
}

/** Public members only: what may be published of an EC key. */
export function publicEcJwk(jwk: JWK): JWK {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new Error('a receipt key must be an EC P-256 key');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** The key id: the RFC 7638 thumbprint (SHA-256) of the public key. */
export function receiptKid(jwk: JWK): Promise<string> {
  return calculateJwkThumbprint(publicEcJwk(jwk), 'sha256');
}

/** The JWKS entry of a public key: its members, `kid` its thumbprint, ES256, for signatures. */
export async function receiptJwk(jwk: JWK): Promise<JWK> {
  const pub = publicEcJwk(jwk);
  return { ...pub, kid: await receiptKid(pub), alg: RECEIPT_ALG, use: 'sig' };
}

function encodeJson(value: unknown): string {
  return base64url.encode(JSON.stringify(value));
}

/** Signs a receipt: header and payload encoded, SHA-256 of the signing input signed by the port. */
export async function signReceipt(payload: ReceiptPayload, signer: ReceiptSigner): Promise<string> {
  const header: ReceiptHeader = { alg: RECEIPT_ALG, kid: await receiptKid(await signer.publicJwk()), typ: RECEIPT_TYPE };
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  const signature = await signer.sign(new TextEncoder().encode(signingInput));
  if (signature.length !== 64) throw new Error(`an ES256 signature is 64 bytes, the signer gave ${signature.length}`);
  return `${signingInput}.${base64url.encode(signature)}`;
}

/**
 * An ECDSA signature from DER (`SEQUENCE { INTEGER r, INTEGER s }`, what KMS and OpenSSL give) to
 * JOSE's fixed-size form (RFC 7518 §3.4): r and s each as an unsigned big-endian integer of
 * `size` bytes (32 for P-256), concatenated. A DER INTEGER is signed and minimal: it has a leading
 * 0x00 when its top bit is set (33 bytes) and is shorter when the value has leading zero bytes;
 * both are normalised here.
 */
export function derToJose(der: Uint8Array, size = 32): Uint8Array {
  let offset = 0;
  const fail = (why: string): never => {
    throw new Error(`not a DER ECDSA signature: ${why}`);
  };
  const readLength = (): number => {
    const first = der[offset++] ?? fail('truncated length');
    if (first < 0x80) return first;
    const bytes = first & 0x7f;
    if (bytes < 1 || bytes > 2) fail('unsupported length form');
    let length = 0;
    for (let i = 0; i < bytes; i += 1) length = (length << 8) | (der[offset++] ?? fail('truncated length'));
    return length;
  };
  const readInteger = (): Uint8Array => {
    if (der[offset++] !== 0x02) fail('expected an INTEGER');
    const length = readLength();
    if (length < 1 || offset + length > der.length) fail('bad INTEGER length');
    let value = der.subarray(offset, offset + length);
    offset += length;
    if ((value[0] ?? 0) & 0x80) fail('negative INTEGER');
    while (value.length > 1 && value[0] === 0) value = value.subarray(1);
    if (value.length > size) fail('INTEGER too large for the curve');
    const out = new Uint8Array(size);
    out.set(value, size - value.length);
    return out;
  };
  if (der[offset++] !== 0x30) fail('expected a SEQUENCE');
  const sequenceLength = readLength();
  if (offset + sequenceLength !== der.length) fail('SEQUENCE length does not match');
  const r = readInteger();
  const s = readInteger();
  if (offset !== der.length) fail('trailing bytes');
  const jose = new Uint8Array(2 * size);
  jose.set(r, 0);
  jose.set(s, size);
  return jose;
}
