import { parseArgs } from 'node:util';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

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

/** `npm run token -- --sub S --account A [--role R] [--scope "s1 s2"] [--ttl SECONDS]`: prints one JWT. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: joinNegativeTtl(process.argv.slice(2)),
    options: {
      sub: { type: 'string' },
      account: { type: 'string' },
      role: { type: 'string' },
      scope: { type: 'string' },
      ttl: { type: 'string' },
    },
    strict: true,
  });
  if (!values.sub || !values.account) {
    throw new Error('usage: npm run token -- --sub SUB --account ACCOUNT_ID [--role ADMIN|MASTER|RESALE] [--scope "customers:delete users:delete"] [--ttl SECONDS]');
  }
  const ttlSeconds = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttlSeconds !== undefined && !Number.isInteger(ttlSeconds)) throw new Error('--ttl must be a whole number of seconds');
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
