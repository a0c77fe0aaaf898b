import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { QueueId } from '../catalog';
import type { LocalQueue } from './resources';
import { DEFAULT_PORT, localDir } from './local-config';
import { CliError } from './cli-args';

/** What a running `npm start` publishes for other local commands (redrive, token, bench): where things are. */
export interface RuntimeInfo {
  pid: number;
  url: string;
  /** The HTTP port: each stack's file is named by it, so two stacks never overwrite each other's. */
  port?: number;
  dynamoEndpoint: string;
  sqsEndpoint: string;
  /** The SES emulator: what the stack sent, at `GET <sesEndpoint>/store` (absent in files of older stacks). */
  sesEndpoint?: string;
  tableName: string;
  queues: Record<QueueId, LocalQueue>;
  /** The local token issuer's record of disabled logins, which `npm run token` consults. */
  loginRecordFile?: string;
}

/** One file per running stack, keyed by its HTTP port: `.local/runtime-3000.json`. */
export function runtimeInfoFileFor(port: number, dir = localDir): string {
  return resolve(dir, `runtime-${port}.json`);
}

export function writeRuntimeInfo(info: RuntimeInfo, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written whole, then renamed: a reader never sees half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(info, null, 2));
  renameSync(partial, file);
}

export function removeRuntimeInfo(file: string): void {
  rmSync(file, { force: true });
}

/** The info in `file` if the stack that wrote it is still running; undefined for no file or a stale one. */
function liveInfo(file: string): RuntimeInfo | undefined {
  if (!existsSync(file)) return undefined;
  let info: RuntimeInfo;
  try {
    info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
    process.kill(info.pid, 0);
  } catch {
    return undefined;
  }
  return info;
}

export interface RuntimeChoice {
  /** An explicit file (`--runtime FILE`). */
  file?: string;
  /** The stack's HTTP port (`--port N`). */
  port?: number;
}

/**
 * The running stack a command talks to: the file given, else the one on the port given, else the
 * default port's, else the only one running. Undefined when none runs; a CliError naming the ports
 * when several run and none was chosen.
 */
export function findRuntimeInfo(choice: RuntimeChoice = {}, dir = localDir): RuntimeInfo | undefined {
  if (choice.file !== undefined) return liveInfo(choice.file);
  if (choice.port !== undefined) return liveInfo(runtimeInfoFileFor(choice.port, dir));
  const preferred = liveInfo(runtimeInfoFileFor(DEFAULT_PORT, dir));
  if (preferred) return preferred;
  const names = existsSync(dir) ? readdirSync(dir).filter((name) => /^runtime-\d+\.json$/.test(name)) : [];
  const running = names.map((name) => liveInfo(join(dir, name))).filter((info): info is RuntimeInfo => info !== undefined);
  if (running.length > 1) {
    const ports = running.map((info) => info.port ?? new URL(info.url).port).join(', ');
    throw new CliError(`Several local stacks are running (ports ${ports}): choose one with --port.`);
  }
  return running[0];
}

/** Like findRuntimeInfo, but a stack must be running: otherwise one line saying how to start one. */
export function readRuntimeInfo(choice: RuntimeChoice = {}, dir = localDir): RuntimeInfo {
  const info = findRuntimeInfo(choice, dir);
  if (info) return info;
  const which = choice.file !== undefined ? ` (no live stack in ${choice.file})` : choice.port !== undefined ? ` on port ${choice.port}` : '';
  throw new CliError(`The local stack is not running${which}: start it with \`npm start\` in another terminal.`);
}
