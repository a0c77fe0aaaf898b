import { parseArgs } from 'node:util';
import { readLoginRecord } from '../../shared/adapters/identity/local-identity-provider';
import { loginRecordFile } from './local-config';
import { findRuntimeInfo } from './runtime-info';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

/** A refusal the CLI prints as its one line (no usage, no stack trace). */
class RefusedError extends Error {}

/**
 * The local token issuer refuses a login the identity step disabled. Its record is the running
 * stack's (named in .local/runtime.json, or the file given with --runtime), else the default one.
 */
function assertLoginEnabled(sub: string, runtimeFile: string | undefined): void {
  const running = runtimeFile === undefined ? findRuntimeInfo() : findRuntimeInfo(runtimeFile);
  const disabled = readLoginRecord(running?.loginRecordFile ?? loginRecordFile).disabled[sub];
  if (disabled) {
    throw new RefusedError(
      `token: login ${sub} of account ${disabled.account} was disabled by deletion request ${disabled.requestId} at ${disabled.disabledAt}; no token minted`,
    );
  }
}

/** parseArgs refuses `--ttl -60` as ambiguous (a value that starts with a dash): a negative
 * number right after --ttl is its value, as the usage line promises. */
function joinNegativeTtl(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const next = args[i + 1];
    if (args[i] === '--ttl' && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`--ttl=${next}`);
      i += 1;
    } else {
      joined.push(args[i]!);
    }
  }
  return joined;
}

/** `npm run token -- --sub S --account A [--role R] [--scope "s1 s2"] [--ttl SECONDS]`: prints one JWT, unless the login was disabled. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: joinNegativeTtl(process.argv.slice(2)),
    options: {
      sub: { type: 'string' },
      account: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
      runtime: { type: 'string' },
    },
    strict: true,
  });
  if (!values.sub || !values.account) {
    throw new Error(
      'usage: npm run token -- --sub SUB --account ACCOUNT_ID [--role ADMIN|MASTER|RESALE] [--scope "customers:delete users:delete"] [--ttl SECONDS] [--runtime FILE (default .local/runtime.json)]',
    );
  }
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && !Number.isInteger(ttlSeconds)) throw new Error('--ttl must be a whole number of seconds');
  assertLoginEnabled(values.sub, values.runtime);
  const key = await loadOrCreateSigningKey();
  const token = await mintToken(key, {
    sub: values.sub,
    accountId: values.account,
    ...(values.role !== undefined ? { role: values.role } : {}),
    ...(values.scope !== undefined ? { scope: values.scope } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
