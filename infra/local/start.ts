import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { activeInTable, bannerText, chooseExample } from './banner';
import { CliError, integerOption, originOption, portOption, runCommand, UsageError } from './cli-args';
import { JavaMissingError, PersistDirInUseError } from './dynamodb-local';
import { DEFAULT_PORT, defaultSeedFile, LOCAL_CREDENTIALS, loginRecordFile } from './local-config';
import { PortInUseError } from './ports';
import { readSeedFile, SeedFileError } from './seed';
import { removeRuntimeInfo, runtimeInfoFileFor, writeRuntimeInfo } from './runtime-info';
import { startLocalStack, type LocalStack, type StackLog } from './stack';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

/** `npm start [-- --port N] [--persist DIR [--reset]] [--seed FILE]`: the whole service on this machine. */

export const startCommand = {
  name: 'npm start',
  usage: [
    'Usage: npm start -- [options]',
    '',
    'Runs the whole service on this machine: DynamoDB Local, the SQS and SES emulators, the API and the workers.',
    '',
    `  --port N                 HTTP port for the API (default ${DEFAULT_PORT}, or $PORT; 0 picks a free one)`,
    '  --persist DIR            keep the data in DIR between runs; the seed loads only into an empty table',
    '  --reset                  with --persist: delete the kept data first, then load the seed again',
    '  --seed FILE              seed data to load (default test/fixtures/demo-seed.json)',
    '  --retention-seconds N    how long a soft-deleted customer is kept before the purge (default 30 days)',
    '  --console-origin ORIGIN  a browser origin the API allows (CORS, as a stage\'s console.origin), e.g. http://localhost:5173',
    '  -h, --help               this text',
    '',
    'GET /health says whether each emulator answers. Ctrl-C stops everything it started.',
  ].join('\n'),
  options: {
    port: { type: 'string' },
    persist: { type: 'string' },
    reset: { type: 'boolean' },
    seed: { type: 'string' },
    'retention-seconds': { type: 'string' },
    'console-origin': { type: 'string' },
  },
} as const;

/** After a signal, how long the stack may take to stop before the process exits anyway (its exit kills DynamoDB Local). */
const STOP_DEADLINE_MS = 8000;

const log: StackLog = {
  info: (message, fields) => console.log(`[local] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
  error: (message, fields) => console.error(`[local] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`),
};

/** Errors whose message is already the one line a user needs. */
const userFacing = (error: unknown) =>
  error instanceof PortInUseError || error instanceof JavaMissingError || error instanceof SeedFileError || error instanceof PersistDirInUseError;

async function main(values: { port?: string; persist?: string; reset?: boolean; seed?: string; 'retention-seconds'?: string; 'console-origin'?: string }): Promise<void> {
  const started = Date.now();
  const port = portOption(values.port ?? process.env.PORT, values.port === undefined && process.env.PORT !== undefined ? 'PORT' : '--port') ?? DEFAULT_PORT;
  // How long a soft-deleted customer is kept before the scheduled purge (every 2 s) erases it; default 30 days.
  const retentionSeconds = integerOption(values['retention-seconds'], '--retention-seconds', 'a positive whole number of seconds', 1);
  const consoleOrigin = originOption(values['console-origin'], '--console-origin');
  if (values.reset && !values.persist) throw new UsageError('--reset needs --persist DIR (an in-memory stack always starts afresh)');
  const persistDir = values.persist === undefined ? undefined : resolve(values.persist);
  // Read (and validated) before anything starts: a bad seed costs no Java start-up.
  const seed = readSeedFile(values.seed ?? defaultSeedFile);

  // Signals are handled from the first moment: one that arrives while the emulators are still
  // starting stops them as soon as the start returns, instead of leaving Java behind.
  const running: { stack?: LocalStack; runtimeFile?: string } = {};
  let stopping = false;
  const shutdown = (why: string, exitCode: number) => {
    if (stopping) {
      // A second Ctrl-C: leave now. The exit itself kills DynamoDB Local (see dynamodb-local.ts).
      if (why === 'SIGINT' || why === 'SIGTERM') process.exit(1);
      return;
    }
    stopping = true;
    process.exitCode = exitCode;
    if (why === 'SIGINT' || why === 'SIGTERM') console.log(`\n[local] ${why}: stopping`);
    if (running.runtimeFile) removeRuntimeInfo(running.runtimeFile);
    const { stack } = running;
    if (!stack) return; // the start in progress sees `stopping` and stops what it started
    // Never hang on the way out: a handler busy with a long batch may hold the pollers' stop.
    // Exiting then is safe, because the exit kills the Java process this stack started.
    setTimeout(() => {
      console.error(`[local] still stopping after ${STOP_DEADLINE_MS / 1000} s: exiting, DynamoDB Local killed`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    stack.stop().then(
      () => process.exit(exitCode),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));

  // The record of disabled logins belongs with the data: beside it when persisted; otherwise the
  // table starts afresh, and so does the record.
  const loginRecord = persistDir ? join(persistDir, 'disabled-logins.json') : loginRecordFile;
  if (!persistDir) rmSync(loginRecord, { force: true });

  const stack = await startLocalStack({
    port,
    seed,
    ...(persistDir ? { persistDir } : {}),
    ...(values.reset ? { reset: true } : {}),
    loginRecordFile: loginRecord,
    ...(retentionSeconds !== undefined ? { retentionSeconds } : {}),
    ...(consoleOrigin !== undefined ? { consoleOrigin } : {}),
    // One line, then the stack stops and the exit code says it failed.
    onEmulatorDown: (message) => {
      if (stopping) return; // a signal got there first: Java ending now is part of the stop
      console.error(`[local] ${message} Stopping.`);
      shutdown('emulator down', 1);
    },
    log,
  });
  running.stack = stack;
  // Only once the stack is up: a directory another stack still uses is refused before anything is wiped.
  if (values.reset) rmSync(loginRecord, { force: true });
  if (stopping) {
    await stack.stop();
    process.exit(process.exitCode ?? 0);
  }

  // Lets `npm run token` and `npm run redrive` (other processes) find this stack: one file per port.
  const runtimeFile = runtimeInfoFileFor(stack.port);
  running.runtimeFile = runtimeFile;
  writeRuntimeInfo(
    {
      pid: process.pid,
      url: stack.url,
      port: stack.port,
      dynamoEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '',
      sqsEndpoint: process.env.AWS_ENDPOINT_URL_SQS ?? '',
      sesEndpoint: stack.sesEndpoint,
      tableName: stack.tableName,
      queues: stack.queues,
      loginRecordFile: stack.loginRecordFile,
    },
    runtimeFile,
  );

  const dynamo = new DynamoDBClient({ region: LOCAL_CREDENTIALS.AWS_REGION });
  let example;
  try {
    example = await chooseExample(seed, activeInTable(DynamoDBDocumentClient.from(dynamo), stack.tableName));
  } finally {
    dynamo.destroy();
  }
  const token = example
    ? await mintToken(await loadOrCreateSigningKey(), { sub: 'demo-operator', accountId: example.accountId, role: 'RESALE', scope: 'customers:delete users:delete', ttlSeconds: 3600 })
    : undefined;
  console.log(
    bannerText({
      url: stack.url,
      readySeconds: (Date.now() - started) / 1000,
      sesEndpoint: stack.sesEndpoint,
      loginRecordFile: stack.loginRecordFile,
      runtimeFile,
      ...(persistDir ? { persistDir } : {}),
      example: example && token ? { ...example, token } : undefined,
    }),
  );
}

void runCommand(startCommand, process.argv.slice(2), async (values) => {
  await main(values).catch((error: unknown) => {
    throw userFacing(error) ? new CliError((error as Error).message) : error;
  });
}).then((code) => {
  // A failed start exits at once (it may have left handles open); a running stack keeps the process alive.
  if (code !== 0) process.exit(code);
});
