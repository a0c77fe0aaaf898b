import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT, defaultSeedFile, loginRecordFile } from './local-config';
import { JavaMissingError } from './dynamodb-local';
import { PortInUseError } from './ports';
import { SeedFileError } from './seed';
import { removeRuntimeInfo, writeRuntimeInfo } from './runtime-info';
import { startLocalStack, type StackLog } from './stack';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

/** `npm start [-- --port N] [--persist DIR] [--seed FILE]`: the whole service on this machine. */

const log: StackLog = {
  info: (message, fields) => console.log(`[local] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
  error: (message, fields) => console.error(`[local] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
};

async function main(): Promise<void> {
  const started = Date.now();
  const { values } = parseArgs({
    options: { port: { type: 'string' }, persist: { type: 'string' }, seed: { type: 'string' }, 'retention-seconds': { type: 'string' } },
    strict: true,
  });
  const port = Number(values.port ?? process.env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port number, got ${values.port ?? process.env.PORT}`);
  // How long a soft-deleted customer is kept before the scheduled purge (every 2 s) erases it; default 30 days.
  const retentionSeconds = values['retention-seconds'] === undefined ? undefined : Number(values['retention-seconds']);
  if (retentionSeconds !== undefined && !(Number.isInteger(retentionSeconds) && retentionSeconds > 0)) {
    throw new Error(`--retention-seconds must be a positive whole number of seconds, got ${values['retention-seconds']}`);
  }

  // Signals are handled from the first moment: one that arrives while the emulators are still
  // starting stops them as soon as the start returns, instead of leaving Java behind.
  const running: { stack?: Awaited<ReturnType<typeof startLocalStack>> } = {};
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[local] ${signal}: stopping`);
    const { stack } = running;
    if (!stack) return; // the start in progress sees `stopping` and stops what it started
    // Never hang on the way out: whatever is still running after 5 s is abandoned.
    setTimeout(() => process.exit(1), 5000).unref();
    removeRuntimeInfo();
    stack.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  // The record of disabled logins belongs with the data: beside it when persisted; otherwise the
  // table starts afresh, and so does the record.
  const loginRecord = values.persist ? join(resolve(values.persist), 'disabled-logins.json') : loginRecordFile;
  if (!values.persist) rmSync(loginRecord, { force: true });

  const stack = await startLocalStack({
    port,
    seed: values.seed ?? defaultSeedFile,
    ...(values.persist ? { persistDir: values.persist } : {}),
    loginRecordFile: loginRecord,
    ...(retentionSeconds !== undefined ? { retentionSeconds } : {}),
    log,
  });
  running.stack = stack;
  if (stopping) {
    await stack.stop();
    process.exit(0);
  }

  // Lets `npm run redrive` (another process) find this stack's emulators.
  writeRuntimeInfo({
    pid: process.pid,
    url: stack.url,
    dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '',
    sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS ?? '',
    tableName: stack.tableName,
    queues: stack.queues,
    loginRecordFile: stack.loginRecordFile,
  });


  const token = await mintToken(await loadOrCreateSigningKey(), { sub: 'demo-operator', accountId: 'reseller-acme', role: 'RESALE', scope: 'customers:delete users:delete', ttlSeconds: 3600 });
  console.log(`
Customer deletion service running at ${stack.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)
  JWKS:  ${stack.url}/.well-known/jwks.json
  Mail:  ${stack.mailDir}
  Disabled logins (npm run token refuses them): ${stack.loginRecordFile}

Delete a demo customer (token valid for one hour, reseller-acme manages cust-1001):

curl -i -X DELETE "${stack.url}/customer/cust-1001" \\
  -H "Authorization: Bearer ${token}" \\
  -H "Content-Type: application/json"

Mint other tokens with: npm run token -- --sub alice --account platform --role ADMIN --scope "customers:delete customers:purge"
Ctrl-C stops everything.
`);
}

main().catch((error: unknown) => {
  const known = error instanceof PortInUseError || error instanceof JavaMissingError || error instanceof SeedFileError;
  console.error(known ? (error as Error).message : `Local stack failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
