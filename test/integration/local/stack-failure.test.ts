import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack } from '../../../infra/local/stack';
import { spyLog } from '../../unit/local/factories';
import { eventually } from '../support/emulators';

/** A stack that fails half-way through starting must stop what it had started (its own file: it may touch process.env). */

const openServers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;

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
    const before = openServers();

    // Act
    const attempt = startLocalStack({ port: 0, seed: null, persistDir: join(notADirectory, 'db'), mailDir: dir, log: spyLog() });

    // Assess
    await expect(attempt).rejects.toThrow(/ENOTDIR|EEXIST|not a directory/);
    // A closed server leaves the handle list on a later tick; a leaked one never does. At most
    // `before`, not exactly: the jest worker is shared, and an earlier file's server may close meanwhile.
    await expect(eventually(async () => openServers() <= before, 3000, 'the servers to close')).resolves.toBe(true);
  });
});
