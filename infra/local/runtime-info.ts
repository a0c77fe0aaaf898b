import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { QueueId } from '../catalog';
import type { LocalQueue } from './resources';
import { localDir } from './local-config';

/** What a running `npm start` publishes for other local commands (redrive, bench): where things are. */
export interface RuntimeInfo {
  pid: number;
  url: string;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  queues: Record<QueueId, LocalQueue>;
  /** The local token issuer's record of disabled logins, which `npm run token` consults. */
  loginRecordFile?: string;
}

export const runtimeInfoFile = resolve(localDir, 'runtime.json');

export function writeRuntimeInfo(info: RuntimeInfo, file = runtimeInfoFile): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(info, null, 2));
}

/** The running stack's info, or `undefined` when none is running (no file, or a stale one). */
export function findRuntimeInfo(file = runtimeInfoFile): RuntimeInfo | undefined {
  try {
    return readRuntimeInfo(file);
  } catch {
    return undefined;
  }
}

export function removeRuntimeInfo(file = runtimeInfoFile): void {
  rmSync(file, { force: true });
}

/** Reads the running stack's info, or explains in one line that `npm start` is not running. */
export function readRuntimeInfo(file = runtimeInfoFile): RuntimeInfo {
  if (!existsSync(file)) throw new Error('The local stack is not running: start it with `npm start` in another terminal.');
  const info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
  try {
    process.kill(info.pid, 0);
  } catch {
    throw new Error('The local stack is not running (stale .local/runtime.json): start it with `npm start`.');
  }
  return info;
}
