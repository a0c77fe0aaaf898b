import { readFileSync } from 'node:fs';
import type { JSONWebKeySet } from 'jose';
import { describeReceipt, verifyReceipt } from '../../shared/receipts/verify';

/**
 * `npm run receipt -- verify FILE [--jwks URL|FILE]`: verifies a deletion receipt offline (with a
 * JWKS file) or against a served JWKS (a URL; default: the local stack's
 * http://127.0.0.1:3000/.well-known/deletion-receipt-keys.json), and prints what it proves. FILE
 * holds the compact JWS, or the receipt route's JSON answer. Exit 0 when it verifies; otherwise one
 * line saying why, exit 1 (2 for a usage error).
 */

const USAGE = 'usage: npm run receipt -- verify FILE [--jwks URL|FILE]';
const DEFAULT_JWKS = 'http://127.0.0.1:3000/.well-known/deletion-receipt-keys.json';

/** The compact JWS in a file: the token itself, or the route's `{ content: [ { receipt } ] }`. */
export function receiptFromText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  const parsed = JSON.parse(trimmed) as { receipt?: unknown; content?: { receipt?: unknown }[] };
  const receipt = parsed.receipt ?? parsed.content?.[0]?.receipt;
  if (typeof receipt !== 'string') throw new Error('the file holds JSON without a receipt');
  return receipt;
}

async function loadJwks(source: string): Promise<JSONWebKeySet> {
  if (/^https?:\/\//.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`JWKS ${source} answered ${response.status}`);
    return (await response.json()) as JSONWebKeySet;
  }
  return JSON.parse(readFileSync(source, 'utf8')) as JSONWebKeySet;
}

export async function runReceiptCli(args: readonly string[], out: (line: string) => void): Promise<number> {
  const [command, file, ...rest] = args;
  let jwksSource = DEFAULT_JWKS;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === '--jwks' && rest[i + 1] !== undefined) jwksSource = rest[++i] as string;
    else {
      out(USAGE);
      return 2;
    }
  }
  if (command !== 'verify' || file === undefined) {
    out(USAGE);
    return 2;
  }
  try {
    const jws = receiptFromText(readFileSync(file, 'utf8'));
    const verified = await verifyReceipt(jws, await loadJwks(jwksSource));
    for (const line of describeReceipt(verified)) out(line);
    return 0;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
    out(`Receipt NOT valid: ${reason.replace(/\s+/g, ' ').slice(0, 300)}`);
    return 1;
  }
}
