import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultSeedFile } from '../../../infra/local/local-config';
import { exampleCandidates, readSeedFile, SeedFileError, seedItems } from '../../../infra/local/seed';
import { seedDocument, writeSeedFile } from './factories';

describe('readSeedFile', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seed-test-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function readError(content: unknown): SeedFileError {
    const file = writeSeedFile(dir, content);
    try {
      readSeedFile(file);
    } catch (error) {
      if (error instanceof SeedFileError) return error;
      throw error;
    }
    throw new Error(`expected ${file} to be refused`);
  }

  it('reads the shipped demo file', () => {
    const data = readSeedFile(defaultSeedFile);

    expect(data.customers.map((c) => c.id)).toEqual(expect.arrayContaining(['platform', 'reseller-acme', 'cust-1001']));
    expect(data.users.length).toBeGreaterThan(0);
    expect(data.devices.length).toBeGreaterThan(0);
    expect(data.sessions.length).toBeGreaterThan(0);
  });

  it('defaults the optional lists and the subscription count', () => {
    const file = writeSeedFile(dir, { customers: [{ id: 'solo', parentId: null, name: 'Solo', email: 'solo@customer.example' }] });

    const data = readSeedFile(file);

    expect(data).toEqual({
      customers: [{ id: 'solo', parentId: null, name: 'Solo', email: 'solo@customer.example', activeSubscriptions: 0 }],
      users: [],
      devices: [],
      sessions: [],
    });
  });

  it('refuses a file that is not JSON, naming the file', () => {
    const error = readError('{ "customers": [ ');

    expect(error.message).toMatch(/^Seed file .*seed-.*\.json is invalid: /);
  });

  it('refuses a missing file in one line', () => {
    expect(() => readSeedFile(join(dir, 'no-such-file.json'))).toThrow(SeedFileError);
  });

  it('refuses a bad email with the path of the field', () => {
    const error = readError(seedDocument({ customers: [{ id: 'root', parentId: null, email: 'not-an-email' }] }));

    expect(error.message).toContain('customers.0.email');
  });

  it('refuses an id outside the id alphabet', () => {
    const error = readError(seedDocument({ customers: [{ id: 'has space', parentId: null }] }));

    expect(error.message).toContain('customers.0.id');
  });

  it('refuses a customer whose parent is unknown', () => {
    const error = readError(seedDocument({ customers: [{ id: 'orphan', parentId: 'nobody' }] }));

    expect(error.message).toContain('customer orphan has unknown parent nobody');
  });

  it.each([
    ['users', { users: [{ id: 'u-1', customerId: 'ghost', name: 'U', email: 'u@customer.example' }] }, 'u-1'],
    ['devices', { devices: [{ id: 'd-1', customerId: 'ghost' }] }, 'd-1'],
    ['sessions', { sessions: [{ id: 's-1', customerId: 'ghost' }] }, 's-1'],
  ])('refuses %s that refer to an unknown customer', (_list, parts, id) => {
    const error = readError(seedDocument(parts));

    expect(error.message).toContain(`${id} refers to unknown customer ghost`);
  });

  it('refuses a device or session of a user that is not that customer’s', () => {
    const users = [{ id: 'u-root', customerId: 'root', name: 'U', email: 'u@customer.example' }];

    const device = readError(seedDocument({ users, devices: [{ id: 'd-1', customerId: 'child', userId: 'u-root' }] }));
    const session = readError(seedDocument({ users, sessions: [{ id: 's-1', customerId: 'root', userId: 'u-nobody' }] }));

    expect(device.message).toContain('d-1 refers to unknown user u-root of customer child');
    expect(session.message).toContain('s-1 refers to unknown user u-nobody of customer root');
  });

  it.each([
    ['two customers', [{ id: 'a', parentId: 'b' }, { id: 'b', parentId: 'a' }], 'parent cycle a -> b -> a'],
    ['a customer its own parent', [{ id: 'self', parentId: 'self' }], 'parent cycle self -> self'],
    [
      'a cycle below a sound branch',
      [{ id: 'root', parentId: null }, { id: 'leaf', parentId: 'root' }, { id: 'x', parentId: 'z' }, { id: 'y', parentId: 'x' }, { id: 'z', parentId: 'y' }],
      'parent cycle x -> z -> y -> x',
    ],
  ])('refuses a parent cycle (%s), naming it: none of its customers could ever be deleted', (_case, customers, named) => {
    const error = readError(seedDocument({ customers }));

    expect(error.message).toMatch(/^Seed file .+ is invalid: /);
    expect(error.message).toContain(named);
  });

  it('accepts a deep chain that is not a cycle', () => {
    const file = writeSeedFile(dir, seedDocument({ customers: [{ id: 'c', parentId: 'b' }, { id: 'b', parentId: 'a' }, { id: 'a', parentId: null }] }));

    expect(readSeedFile(file).customers.map((c) => c.id)).toEqual(['c', 'b', 'a']);
  });

  it('refuses a repeated id instead of failing later in DynamoDB', () => {
    const error = readError(seedDocument({ customers: [{ id: 'root', parentId: null }, { id: 'root', parentId: null }] }));

    expect(error.message).toContain('duplicate customer id root');
  });
});

describe('seedItems', () => {
  it('counts each customer’s live children', () => {
    // Prepare
    const data = {
      customers: [
        { id: 'root', parentId: null, name: 'Root', email: 'root@customer.example', activeSubscriptions: 0 },
        { id: 'a', parentId: 'root', name: 'A', email: 'a@customer.example', activeSubscriptions: 1 },
        { id: 'b', parentId: 'root', name: 'B', email: 'b@customer.example', activeSubscriptions: 0 },
        { id: 'a-1', parentId: 'a', name: 'A1', email: 'a1@customer.example', activeSubscriptions: 0 },
      ],
      users: [{ id: 'u-1', customerId: 'a', name: 'U', email: 'u@customer.example' }],
      devices: [{ id: 'd-1', customerId: 'a', userId: 'u-1' }],
      sessions: [{ id: 's-1', customerId: 'a', userId: 'u-1' }],
    };

    // Act
    const items = seedItems(data);

    // Assess
    const customers = items.filter((i) => i.entityType === 'customer');
    const liveChildren = Object.fromEntries(customers.map((c) => [c.id, c.liveChildren]));
    expect(liveChildren).toEqual({ root: 2, a: 1, b: 0, 'a-1': 0 });
    expect(items).toHaveLength(7);
    expect(items.map((i) => i.entityType).sort()).toEqual(['customer', 'customer', 'customer', 'customer', 'device', 'session', 'user']);
  });

  it('gives every demo item a key, and the demo reseller its three customers', () => {
    const data = readSeedFile(defaultSeedFile);

    const items = seedItems(data);

    expect(items).toHaveLength(data.customers.length + data.users.length + data.devices.length + data.sessions.length);
    for (const item of items) {
      expect(typeof item.pk).toBe('string');
      expect(typeof item.sk).toBe('string');
    }
    expect(items.find((i) => i.entityType === 'customer' && i.id === 'reseller-acme')?.liveChildren).toBe(3);
  });
});

describe('exampleCandidates', () => {
  it('offers, in seed order, only customers a reseller can delete at once', () => {
    // Prepare: a root, a parent with a child, one with subscriptions, two deletable leaves
    const data = readSeedFile(defaultSeedFile);
    const own = {
      ...data,
      customers: [
        { id: 'root', parentId: null, name: 'R', email: 'r@customer.example', activeSubscriptions: 0 },
        { id: 'parent', parentId: 'root', name: 'P', email: 'p@customer.example', activeSubscriptions: 0 },
        { id: 'paying', parentId: 'parent', name: 'S', email: 's@customer.example', activeSubscriptions: 1 },
        { id: 'leaf-1', parentId: 'parent', name: 'L', email: 'l1@customer.example', activeSubscriptions: 0 },
        { id: 'leaf-2', parentId: 'root', name: 'L', email: 'l2@customer.example', activeSubscriptions: 0 },
      ],
    };

    // Act
    const offered = exampleCandidates(own).map((c) => c.id);

    // Assess
    expect(offered).toEqual(['leaf-1', 'leaf-2']);
    expect(exampleCandidates(data)[0]?.id).toBe('cust-1001');
  });
});
