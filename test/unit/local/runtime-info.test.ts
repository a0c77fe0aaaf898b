import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../../../infra/local/cli-args';
import { DEFAULT_PORT } from '../../../infra/local/local-config';
import { findRuntimeInfo, readRuntimeInfo, runtimeInfoFileFor, writeRuntimeInfo, type RuntimeInfo } from '../../../infra/local/runtime-info';

/** Each running stack keeps its own runtime file, keyed by its port; the CLIs find the right one. */

/** A pid no process has: above Linux's pid_max ceiling (2^22). */
const DEAD_PID = 4_194_304 + 1;

function info(port: number, pid = process.pid): RuntimeInfo {
  return { pid, url: `http://127.0.0.1:${port}`, port, dynamoEndpoint: 'http://127.0.0.1:1', sqsEndpoint: 'http://127.0.0.1:2', tableName: `t-${port}`, queues: {} as RuntimeInfo['queues'] };
}

describe('runtime files', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runtime-info-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps two stacks apart: each port its own file', () => {
    writeRuntimeInfo(info(4001), runtimeInfoFileFor(4001, dir));
    writeRuntimeInfo(info(4002), runtimeInfoFileFor(4002, dir));

    expect(findRuntimeInfo({ port: 4001 }, dir)?.tableName).toBe('t-4001');
    expect(findRuntimeInfo({ port: 4002 }, dir)?.tableName).toBe('t-4002');
  });

  it('prefers the default port when several run and none is chosen', () => {
    writeRuntimeInfo(info(4001), runtimeInfoFileFor(4001, dir));
    writeRuntimeInfo(info(DEFAULT_PORT), runtimeInfoFileFor(DEFAULT_PORT, dir));

    expect(findRuntimeInfo({}, dir)?.port).toBe(DEFAULT_PORT);
  });

  it('takes the only one running, whatever its port', () => {
    writeRuntimeInfo(info(4001), runtimeInfoFileFor(4001, dir));
    writeRuntimeInfo(info(4002, DEAD_PID), runtimeInfoFileFor(4002, dir));

    expect(findRuntimeInfo({}, dir)?.port).toBe(4001);
  });

  it('asks for --port, naming the ports, when several run and none is the default', () => {
    writeRuntimeInfo(info(4001), runtimeInfoFileFor(4001, dir));
    writeRuntimeInfo(info(4002), runtimeInfoFileFor(4002, dir));

    expect(() => findRuntimeInfo({}, dir)).toThrow(new CliError('Several local stacks are running (ports 4001, 4002): choose one with --port.'));
  });

  it('ignores a file left by a stack that is gone, and says so in one line when one is required', () => {
    writeRuntimeInfo(info(4001, DEAD_PID), runtimeInfoFileFor(4001, dir));

    expect(findRuntimeInfo({}, dir)).toBeUndefined();
    expect(() => readRuntimeInfo({ port: 4001 }, dir)).toThrow(new CliError('The local stack is not running on port 4001: start it with `npm start` in another terminal.'));
  });

  it('reads an explicit file', () => {
    const file = join(dir, 'elsewhere.json');
    writeRuntimeInfo(info(4003), file);

    expect(readRuntimeInfo({ file }, dir).port).toBe(4003);
  });
});
