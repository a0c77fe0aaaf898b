import { readLoginRecord } from '../../shared/adapters/identity/local-identity-provider';
import { CliError, integerOption, portOption, runCommand, UsageError } from './cli-args';
import { loginRecordFile } from './local-config';
import { findRuntimeInfo } from './runtime-info';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

/** `npm run token -- --sub S --account A [--role R] [--scope "s1 s2"] [--ttl SECONDS]`: prints one JWT, unless the login was disabled. */
export const tokenCommand = {
  name: 'npm run token',
  usage: [
    'Usage: npm run token -- --sub SUB --account ACCOUNT_ID [options]',
    '',
    'Mints one access token signed by the local stack\'s key and prints it.',
    '',
    '  --sub SUB             the login the token is for (required)',
    '  --account ACCOUNT_ID  the customer account it acts for (required)',
    '  --role ROLE           ADMIN, MASTER or RESALE',
    '  --scope "S1 S2"       space-separated scopes, e.g. "customers:delete users:delete"',
    '  --ttl SECONDS         lifetime (default 3600; negative for an expired token)',
    '  --port N              the running stack whose disabled logins are refused (default: 3000, else the only one running)',
    '  --runtime FILE        that stack\'s runtime file instead (.local/runtime-<port>.json)',
    '  -h, --help            this text',
  ].join('\n'),
  options: {
    sub: { type: 'string' },
    account: { type: 'string' },
    role: { type: 'string' },
    scope: { type: 'string' },
    ttl: { type: 'string' },
    port: { type: 'string' },
    runtime: { type: 'string' },
  },
} as const;

/**
 * The local token issuer refuses a login the identity step disabled. Its record is the running
 * stack's (named in its runtime file), else the default one.
 */
function assertLoginEnabled(sub: string, choice: { file?: string; port?: number }): void {
  const running = findRuntimeInfo(choice);
  const disabled = readLoginRecord(running?.loginRecordFile ?? loginRecordFile).disabled[sub];
  if (disabled) {
    throw new CliError(
      `token: login ${sub} of account ${disabled.account} was disabled by deletion request ${disabled.requestId} at ${disabled.disabledAt}; no token minted`,
    );
  }
}

/** parseArgs refuses `--ttl -60` as ambiguous (a value that starts with a dash): a negative
 * number right after --ttl is its value, as the usage promises. */
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

void runCommand(tokenCommand, joinNegativeTtl(process.argv.slice(2)), async (values) => {
  // A malformed value first: it is the more precise complaint.
  const ttlSeconds = integerOption(values.ttl, '--ttl', 'a whole number of seconds');
  const port = portOption(values.port);
  if (!values.sub || !values.account) throw new UsageError('--sub and --account are required');
  assertLoginEnabled(values.sub, { ...(values.runtime !== undefined ? { file: values.runtime } : {}), ...(port !== undefined ? { port } : {}) });
  const key = await loadOrCreateSigningKey();
  const token = await mintToken(key, {
    sub: values.sub,
    accountId: values.account,
    ...(values.role !== undefined ? { role: values.role } : {}),
    ...(values.scope !== undefined ? { scope: values.scope } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  });
  process.stdout.write(`${token}\n`);
}).then((code) => {
  process.exitCode = code;
});
