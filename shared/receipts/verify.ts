import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { RECEIPT_TYPE, type ReceiptPayload } from '../domain/receipt';
import { RECEIPT_ALG } from './jws';

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

/** What a verified receipt proves, in plain lines. */
export function describeReceipt({ kid, payload }: VerifiedReceipt): string[] {
  const subject =
    payload.subject.type === 'user'
      ? `user ${payload.subject.userId} of customer ${payload.subject.customerId}`
      : payload.subject.type === 'batch'
        ? `a batch of ${payload.subject.size} customers (each deletion has its own receipt)`
        : `customer ${payload.subject.customerId}`;
  const lines = [
    `Valid deletion receipt signed by ${payload.iss} (key ${kid}) at ${new Date(payload.iat * 1000).toISOString()}.`,
    `Request ${payload.jti}: ${payload.type} (${payload.mode}) of ${subject}, asked by ${payload.actor.sub} (${payload.actor.role}, account ${payload.actor.accountId}).`,
  ];
  if (payload.reason !== undefined) lines.push(`Reason: ${payload.reason}${payload.ticket !== undefined ? ` (ticket ${payload.ticket})` : ''}`);
  else if (payload.ticket !== undefined) lines.push(`Ticket: ${payload.ticket}`);
  lines.push(`Requested at ${payload.requestedAt}; completed at ${payload.completedAt}.`);
  if (payload.accessRevokedAt !== undefined) lines.push(`Access ended at ${payload.accessRevokedAt}.`);
  for (const [name, step] of Object.entries(payload.steps)) {
    lines.push(`  step ${name}: ${step.status} at ${step.completedAt}${step.count !== undefined ? ` (${step.count} changed)` : ''}`);
  }
  lines.push(`Erased: ${payload.erased.length > 0 ? payload.erased.join(', ') : 'nothing'}.`);
  for (const kept of payload.retained) lines.push(`Retained: ${kept.what} (${kept.basis}).`);
  return lines;
}
