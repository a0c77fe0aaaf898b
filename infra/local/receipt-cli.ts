import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** A path as the caller typed it: `npm run` starts scripts at the package root, and says where the caller was in INIT_CWD. */
function fromCaller(path: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
import type { JSONWebKeySet } from 'jose';
import { describeReceipt, verifyReceipt } from '../../shared/receipts/verify';
import { EXIT_FAILURE, runCommand, UsageError } from './cli-args';

/**
 * `npm run receipt -- verify FILE [--jwks URL|FILE]`: verifies a deletion receipt offline (with a
 * JWKS file) or against a served JWKS (a URL; default: the local stack's
 * http://127.0.0.1:3000/.well-known/deletion-receipt-keys.json), and prints what it proves. FILE
 * holds the compact JWS, or the receipt route's JSON answer. Exit 0 when it verifies; otherwise one
 * line saying why, exit 1 (2 for a usage error).
 */

export const receiptCommand = {
  name: 'npm run receipt',
  usage: [
    'Usage: npm run receipt -- verify FILE [--jwks URL|FILE]',
    '',
    'Verifies a deletion receipt and prints what it proves. FILE holds the compact JWS, or the',
    'receipt route\'s JSON answer.',
    '',
    '  --jwks URL|FILE  the keys to verify with (default: the local stack\'s',
    '                   http://127.0.0.1:3000/.well-known/deletion-receipt-keys.json)',
    '  -h, --help       this text',
  ].join('\n'),
  options: { jwks: { type: 'string' } },
  positionals: true,
} as const;
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
  return JSON.parse(readFileSync(fromCaller(source), 'utf8')) as JSONWebKeySet;
}

/** Exit 0 when the receipt verifies; 1 with one line saying why not; 2 for a usage error. */
export async function runReceiptCli(args: readonly string[], out: (line: string) => void, err: (line: string) => void = out): Promise<number> {
  return runCommand(
    receiptCommand,
    args,
    async (values, positionals) => {
      const [command, file, ...extra] = positionals;
      if (command !== 'verify') throw new UsageError(command === undefined ? 'a command is required: verify' : `unknown command '${command}'`);
      if (file === undefined) throw new UsageError('verify needs the receipt FILE');
      if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
      try {
        const jws = receiptFromText(readFileSync(fromCaller(file), 'utf8'));
        const verified = await verifyReceipt(jws, await loadJwks(values.jwks ?? DEFAULT_JWKS));
        for (const line of describeReceipt(verified)) out(line);
        return 0;
      } catch (error) {
        const reason = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
        out(`Receipt NOT valid: ${reason.replace(/\s+/g, ' ').slice(0, 300)}`);
        return EXIT_FAILURE;
      }
    },
    { out, err },
  );
}
