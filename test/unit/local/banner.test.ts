import { bannerText, chooseExample } from '../../../infra/local/banner';
import { readSeedFile } from '../../../infra/local/seed';
import { defaultSeedFile } from '../../../infra/local/local-config';

/** The start-up banner's example is a customer of the loaded seed that can be deleted now. */

const seed = (ids: [string, string | null][]) => ({
  customers: ids.map(([id, parentId]) => ({ id, parentId, name: id, email: `${id}@customer.example`, activeSubscriptions: 0 })),
  users: [],
  devices: [],
  sessions: [],
});

const facts = { url: 'http://127.0.0.1:3000', readySeconds: 1.5, sesEndpoint: 'http://127.0.0.1:8005', loginRecordFile: '/l.json', runtimeFile: '/r.json' };

describe('chooseExample', () => {
  it('offers the demo seed’s cust-1001 to reseller-acme while it is active', async () => {
    expect(await chooseExample(readSeedFile(defaultSeedFile), async () => true)).toEqual({ customerId: 'cust-1001', accountId: 'reseller-acme' });
  });

  it('offers a customer of another seed, never cust-1001', async () => {
    const example = await chooseExample(seed([['acme', null], ['big-co', 'acme']]), async () => true);

    expect(example).toEqual({ customerId: 'big-co', accountId: 'acme' });
  });

  it('passes over a customer no longer active (a persisted table remembers its deletion)', async () => {
    const example = await chooseExample(readSeedFile(defaultSeedFile), async (id) => id !== 'cust-1001');

    expect(example?.customerId).toBe('cust-1003'); // cust-1002 has active subscriptions
  });

  it('offers nothing when nothing is left to delete', async () => {
    expect(await chooseExample(seed([['solo', null]]), async () => true)).toBeUndefined();
  });
});

describe('bannerText', () => {
  it('prints the curl for the chosen customer with its token', () => {
    const text = bannerText({ ...facts, example: { customerId: 'big-co', accountId: 'acme', token: 'a.b.c' } });

    expect(text).toContain('acme manages big-co');
    expect(text).toContain('curl -i -X DELETE "http://127.0.0.1:3000/customer/big-co"');
    expect(text).toContain('-H "Authorization: Bearer a.b.c"');
    expect(text).not.toContain('cust-1001');
  });

  it('says where to read the mail the stack sent: the SES emulator\'s viewer and its JSON store', () => {
    const text = bannerText({ ...facts, example: undefined });

    expect(text).toContain('Mail:    http://127.0.0.1:8005/  (sent mail; as JSON: http://127.0.0.1:8005/store)');
  });

  it('prints the operator console\'s address on the stack\'s own origin', () => {
    const text = bannerText({ ...facts, example: undefined });

    expect(text).toContain('Console: http://127.0.0.1:3000/console/  (operator console; development sign-in: choose role, account and scopes)');
  });

  it('says there is nothing to delete, and how to start afresh when persisted', () => {
    const text = bannerText({ ...facts, persistDir: '/data', example: undefined });

    expect(text).not.toContain('curl');
    expect(text).toContain('No customer of the seed can be deleted right away');
    expect(text).toContain('--reset reloads the seed');
  });
});
