import type { JWK } from 'jose';
import type { Environment } from '../../config/env';
import { requireEnv } from '../../config/env';
import { receiptSignerFromEnv } from '../../receipts/composition';
import { receiptJwk, type ReceiptSigner } from '../../receipts/jws';
import { jsonResponse } from '../error-mapping';
import { httpHandler } from '../middleware';

/** Parses RECEIPT_RETIRED_KEYS: a JSON array of public EC P-256 JWKs. Throws at cold start on anything else. */
export function parseRetiredKeys(text: string): JWK[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error('RECEIPT_RETIRED_KEYS must be a JSON array of public JWKs');
  return parsed as JWK[];
}

/**
 * `GET /.well-known/deletion-receipt-keys.json` (no authentication): the JWKS that receipts verify
 * against: the current key (from KMS's GetPublicKey in AWS, or the local key file), then the
 * retired ones, public members only, each with `kid` its RFC 7638 thumbprint. Built once per cold
 * start (a failed build is tried again on the next request).
 */
export function createReceiptKeysHandler(deps: { signer: ReceiptSigner; retired: readonly JWK[] }) {
  let jwks: Promise<{ keys: JWK[] }> | undefined;
  const build = async () => {
    const current = await receiptJwk(await deps.signer.publicJwk());
    const retired = await Promise.all(deps.retired.map((jwk) => receiptJwk(jwk)));
    return { keys: [current, ...retired.filter((key) => key.kid !== current.kid)] };
  };
  return httpHandler('v2', async () => {
    jwks ??= build().catch((error: unknown) => {
      jwks = undefined;
      throw error;
    });
    return jsonResponse(200, await jwks, { 'cache-control': 'public, max-age=300' });
  });
}

export function receiptKeysFromEnv(env: Environment) {
  const retired = parseRetiredKeys(requireEnv(env, 'RECEIPT_RETIRED_KEYS'));
  return createReceiptKeysHandler({ signer: receiptSignerFromEnv(env), retired });
}
