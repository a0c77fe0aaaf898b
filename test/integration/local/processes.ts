import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { repoRoot } from '../../../infra/local/local-config';

/** Linux process inspection (/proc) and a CLI runner for the local stack's process-level tests. */

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
  cmdline: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state: state ?? '?', cmdline };
  } catch {
    return undefined; // it exited while we looked
  }
}

/** Every live process (zombies, which are already dead, left out). */
export function processes(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessInfo => p !== undefined && p.state !== 'Z');
}

export function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  const p = readProcess(pid);
  return p !== undefined && p.state !== 'Z';
}

export interface RunningCli {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal) once the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** Kills the whole process group: a safety net so no test leaves processes behind. */
  killGroup(): void;
}

/** The environment of a user's shell: no emulator endpoints from the test run. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' };
  for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_DYNAMODB_STREAMS', 'AWS_ENDPOINT_URL_SQS']) delete env[name];
  return env;
}

/**
 * Runs `<script> …args` from the repository root in its own process group, as a terminal would, the way `npm start`
 * does: node itself with tsx's loader (`node --import tsx`), not tsx's command line, which runs the script in a child
 * and, on Ctrl-C, SIGKILLs it unless it confirms the signal within 60 ms (a busy stack missed that, and its exit hook,
 * which stops DynamoDB Local, never ran). Started without npx, whose start alone cost ~0.5 s of CPU per run.
 */
export function runCli(script: string, args: readonly string[]): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv() });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitForOutput(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(out);
        if (match) return match;
        if (done) throw new Error(`${script} exited before printing ${pattern}:\n${out}\n${err}`);
        if (Date.now() > deadline) throw new Error(`${script} did not print ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    killGroup() {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** stderr lines that are ours, not npm's own notices about the machine's npm configuration. */
export function ownLines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '' && !/^npm (warn|notice)/i.test(line));
}

export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
