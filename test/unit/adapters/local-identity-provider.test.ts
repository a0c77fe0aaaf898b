import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityProviderError } from '../../../shared/domain/cascade-errors';
import { describeError } from '../../../shared/domain/safe-error';
import { LocalIdentityProvider, readLoginRecord } from '../../../shared/adapters/identity/local-identity-provider';

const REQUEST_1 = '00000000-0000-4000-8000-000000000001';
const REQUEST_2 = '00000000-0000-4000-8000-000000000002';

function recordFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'login-record-')), 'identity', 'disabled-logins.json');
}

describe('the local identity provider (the local token issuer\'s record)', () => {
  it('records a disabled login with its account, request and time, in a JSON file it creates', async () => {
    // Prepare
    const file = recordFile();
    const provider = new LocalIdentityProvider(file);

    // Act
    const outcome = await provider.signOutAndDisable({ id: 'u-1', customerId: 'acme' }, { requestId: REQUEST_1, eventId: 'e-1', at: '2026-11-22T08:00:00.000Z' });

    // Assess
    expect(outcome).toBe('disabled');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      version: 1,
      disabled: { 'u-1': { account: 'acme', requestId: REQUEST_1, disabledAt: '2026-11-22T08:00:00.000Z' } },
    });
    expect(readLoginRecord(file).disabled['u-1']?.requestId).toBe(REQUEST_1);
  });

  it('keeps the first record of a login disabled again (a re-run changes nothing), and enable removes it', async () => {
    // Prepare
    const file = recordFile();
    const provider = new LocalIdentityProvider(file);
    await provider.signOutAndDisable({ id: 'u-1', customerId: 'acme' }, { requestId: REQUEST_1, eventId: 'e-1', at: '2026-11-22T08:00:00.000Z' });

    // Act 1
    await provider.signOutAndDisable({ id: 'u-1', customerId: 'acme' }, { requestId: REQUEST_2, eventId: 'e-2', at: '2026-11-22T09:00:00.000Z' });

    // Assess 1
    expect(readLoginRecord(file).disabled['u-1']).toEqual({ account: 'acme', requestId: REQUEST_1, disabledAt: '2026-11-22T08:00:00.000Z' });

    // Act 2
    const enabled = await provider.enable({ id: 'u-1', customerId: 'acme' });

    // Assess 2
    expect(enabled).toBe('enabled');
    expect(readLoginRecord(file).disabled).toEqual({});
  });

  it('loses no change when many are made at once (writers serialized), and leaves no temporary file', async () => {
    // Prepare
    const file = recordFile();
    const providers = [new LocalIdentityProvider(file), new LocalIdentityProvider(file)];
    const ids = Array.from({ length: 40 }, (_, i) => `u-${i}`);

    // Act
    await Promise.all(
      ids.map((id, i) => providers[i % 2]!.signOutAndDisable({ id, customerId: 'acme' }, { requestId: REQUEST_1, eventId: `e-${i}`, at: '2026-11-22T08:00:00.000Z' })),
    );

    // Assess
    expect(Object.keys(readLoginRecord(file).disabled).sort()).toEqual([...ids].sort());
    expect(readdirSync(join(file, '..'))).toEqual(['disabled-logins.json']);
  });

  it('reads a missing record as empty', () => {
    expect(readLoginRecord(recordFile())).toEqual({ version: 1, disabled: {} });
  });

  it('refuses a record that is not one, and fails the step with a safe message', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'login-record-')), 'disabled-logins.json');
    writeFileSync(file, '{"u-1": true');

    // Act / Assess
    expect(() => readLoginRecord(file)).toThrow(`The local login record ${file} is not JSON: delete it to start afresh`);
    const failure = await new LocalIdentityProvider(file)
      .signOutAndDisable({ id: 'u-1', customerId: 'acme' }, { requestId: REQUEST_1, eventId: 'e-1', at: '2026-11-22T08:00:00.000Z' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(IdentityProviderError);
    expect(describeError(failure)).toBe('Local login record Error on update');
  });
});
