import type { DescribedReceipt } from '../../shared/receipts/describe';
/**
 * A deletion receipt verified in the browser, with WebCrypto only: the compact JWS's ES256 signature
 * (raw r‖s, as WebCrypto's ECDSA expects) over `header.payload`, with the key the header's `kid` names in
 * the published receipt JWKS; `typ` must be `deletion-receipt+jwt` and `jti` the request's id.
 */

/** The payload a receipt carries: the one shape `describeReceipt` reads (shared/receipts/describe.ts). */
export type ReceiptPayload = DescribedReceipt['payload'];

interface Jwk {
  kty: string;
  crv?: string;
  x?: string;
  y?: string;
  kid?: string;
}

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const json = (part: string): unknown => JSON.parse(new TextDecoder().decode(base64url(part)));

/** Verifies `jws` for `requestId` against `jwks`; throws an Error that says why not. */
export async function verifyReceipt(jws: string, requestId: string, jwks: { keys: Jwk[] }): Promise<{ kid: string; payload: ReceiptPayload }> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) throw new Error('The receipt is not a compact JWS (three dot-separated parts).');
  const [h, p, s] = parts as [string, string, string];
  const header = json(h) as { alg?: string; kid?: string; typ?: string };
  if (header.alg !== 'ES256') throw new Error(`The receipt is signed with ${String(header.alg)}, not ES256.`);
  if (header.typ !== 'deletion-receipt+jwt') throw new Error('The receipt is not of type deletion-receipt+jwt.');
  const jwk = jwks.keys.find((key) => key.kid === header.kid);
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new Error(`The published keys do not list the receipt's key (${String(header.kid)}).`);
  const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const valid = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, base64url(s), new TextEncoder().encode(`${h}.${p}`));
  if (!valid) throw new Error('The signature does not verify: the receipt was altered or signed by another key.');
  const payload = json(p) as ReceiptPayload;
  if (payload.jti !== requestId) throw new Error(`The receipt is for request ${payload.jti}, not ${requestId}.`);
  return { kid: header.kid ?? '', payload };
}

/** What a verified receipt proves: the same lines as `npm run receipt -- verify` prints. */
export { describeReceipt } from '../../shared/receipts/describe';
