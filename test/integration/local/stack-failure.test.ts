import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOn } from '../../../infra/local/ports';
import { startLocalStack } from '../../../infra/local/stack';
import { spyLog } from '../../unit/local/factories';

/** A stack that fails half-way through starting must stop what it had started (its own file: it may touch process.env). */

// Every server the local stack binds (the HTTP API, the SQS emulator) goes through listenOn:
// watching it gives this test the stack's own servers, whatever else this jest worker runs.
jest.mock('../../../infra/local/ports', () => {
  const actual = jest.requireActual<typeof import('../../../infra/local/ports')>('../../../infra/local/ports');
  return { ...actual, listenOn: jest.fn(actual.listenOn) };
});

const bound = () => jest.mocked(listenOn).mock.calls.map(([server, , what]): { server: Server; what: string } => ({ server, what }));

describe('startLocalStack failing to start', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'stack-failure-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes the emulator that did start when the other one cannot', async () => {
    // Prepare: DynamoDB Local cannot persist into a path that is a file; the SQS emulator starts fine
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, '');

    // Act
    const attempt = startLocalStack({ port: 0, seed: null, persistDir: join(notADirectory, 'db'), mailDir: dir, log: spyLog() });

    // Assess
    await expect(attempt).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/);
    expect(bound().map(({ what }) => what).sort()).toEqual(['HTTP API', 'SQS emulator']);
    for (const { server, what } of bound()) expect({ what, listening: server.listening }).toEqual({ what, listening: false });
  });
});
