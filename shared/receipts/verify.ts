import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { RECEIPT_TYPE, type ReceiptPayload } from '../domain/receipt';
import { RECEIPT_ALG } from './jws';

export { describeReceipt } from './describe';

export interface VerifiedReceipt {
  kid: string;
  payload: ReceiptPayload;
}

/**
 * Verifies a deletion receipt against a JWKS, as any JOSE library would: ES256 only, `typ`
 * `deletion-receipt+jwt`, and the key chosen by the header's `kid` (a receipt without one, or with
 * one the JWKS does not list, fails). Throws with jose's reason when it does not verify.
 */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet): Promise<VerifiedReceipt> {
  const header = decodeProtectedHeader(jws.trim());
  if (typeof header.kid !== 'string' || header.kid === '') throw new Error('the receipt names no key (kid)');
  const { payload } = await jwtVerify(jws.trim(), createLocalJWKSet(jwks), { algorithms: [RECEIPT_ALG], typ: RECEIPT_TYPE });
  const receipt = payload as unknown as ReceiptPayload;
  if (typeof receipt.jti !== 'string' || typeof receipt.type !== 'string' || typeof receipt.steps !== 'object' || !Array.isArray(receipt.erased)) {
    throw new Error('the signed payload is not a deletion receipt');
  }
  return { kid: header.kid, payload: receipt };
}

