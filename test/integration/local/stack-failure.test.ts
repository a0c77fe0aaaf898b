import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOn } from '../../../infra/local/ports';
import { startSesLocal, type RunningSes } from '../../../infra/local/ses-local';
import { startLocalStack } from '../../../infra/local/stack';
import { spyLog } from '../../unit/local/factories';

/** A stack that fails half-way through starting must stop what it had started (its own file: it may touch process.env). */

// Every server the local stack binds (the HTTP API, the SQS emulator) goes through listenOn:
// watching it gives this test the stack's own servers, whatever else this jest worker runs.
jest.mock('../../../infra/local/ports', () => {
  const actual = jest.requireActual<typeof import('../../../infra/local/ports')>('../../../infra/local/ports');
  return { ...actual, listenOn: jest.fn(actual.listenOn) };
});

// The SES emulator binds its own server (the package gives no other way): watch what it returned.
jest.mock('../../../infra/local/ses-local', () => {
  const actual = jest.requireActual<typeof import('../../../infra/local/ses-local')>('../../../infra/local/ses-local');
  return { ...actual, startSesLocal: jest.fn(actual.startSesLocal) };
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

  it('closes the emulators that did start when another one cannot', async () => {
    // Prepare: DynamoDB Local cannot persist into a path that is a file; the SQS and SES emulators start fine
    const notADirectory = join(dir, 'a-file');
    writeFileSync(notADirectory, '');

    // Act
    const attempt = startLocalStack({ port: 0, seed: null, persistDir: join(notADirectory, 'db'), log: spyLog() });

    // Assess
    await expect(attempt).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/);
    expect(bound().map(({ what }) => what).sort()).toEqual(['HTTP API', 'SQS emulator']);
    for (const { server, what } of bound()) expect({ what, listening: server.listening }).toEqual({ what, listening: false });
    const [ses] = await Promise.all(jest.mocked(startSesLocal).mock.results.map((result) => result.value as Promise<RunningSes>));
    expect(ses).toBeDefined();
    await expect(fetch(`${ses?.endpoint}/health-check`)).rejects.toThrow('fetch failed');
  });
});
