import { stepByName } from '../../../infra/catalog';
import { IdentityProviderError } from '../../../shared/domain/cascade-errors';
import type { CascadeEvent } from '../../../shared/events/cascade-event';
import type { IdentityProvider, Login, LoginDirectory, WorkContext } from '../../../shared/workers/ports';
import { createDisableLoginsHandler, createIdentityProvider } from '../../../shared/workers/steps/disable-logins';
import { CognitoIdentityProvider } from '../../../shared/adapters/identity/cognito-identity-provider';
import { LocalIdentityProvider } from '../../../shared/adapters/identity/local-identity-provider';
import { cascadeEventFactory, pendingStep, requestForEvent } from '../../fixtures/cascade-events';
import { recordingLog, sqsEventFactory, sqsRecordFactory } from './factories';
import { InMemoryProcessedEvents, InMemoryRequestProgress } from './fakes';

const NOW = new Date('2026-11-22T08:00:00.000Z');

/** An identity provider in memory: who was signed out and disabled, in order; some logins unknown; failures on demand. */
class FakeIdentityProvider implements IdentityProvider {
  readonly calls: { login: Login; requestId: string }[] = [];
  readonly disabled = new Set<string>();

  constructor(private readonly options: { unknown?: readonly string[]; fail?: (login: Login) => Error | undefined } = {}) {}

  async signOutAndDisable(login: Login, context: WorkContext): Promise<'disabled' | 'unknown'> {
    this.calls.push({ login, requestId: context.requestId });
    const error = this.options.fail?.(login);
    if (error) throw error;
    if (this.options.unknown?.includes(login.id)) return 'unknown';
    this.disabled.add(login.id);
    return 'disabled';
  }

  readonly enabled: Login[] = [];

  async enable(login: Login): Promise<'enabled' | 'unknown'> {
    this.enabled.push(login);
    if (this.options.unknown?.includes(login.id)) return 'unknown';
    this.disabled.delete(login.id);
    return 'enabled';
  }
}

class FakeLoginDirectory implements LoginDirectory {
  readonly asked: string[] = [];
  constructor(private readonly logins: Record<string, readonly string[]>, private readonly deleted: readonly string[] = []) {}
  async loginIdsOf(customerId: string): Promise<string[]> {
    this.asked.push(customerId);
    return [...(this.logins[customerId] ?? [])];
  }
  async activeLoginIdsOf(customerId: string): Promise<string[]> {
    this.asked.push(customerId);
    return (this.logins[customerId] ?? []).filter((id) => !this.deleted.includes(id));
  }
}

function setup(identity: FakeIdentityProvider, logins: Record<string, readonly string[]> = {}, deleted: readonly string[] = []) {
  const processed = new InMemoryProcessedEvents();
  const progress = new InMemoryRequestProgress(processed);
  const log = recordingLog();
  const directory = new FakeLoginDirectory(logins, deleted);
  const handler = createDisableLoginsHandler({ processed, progress, log, now: () => NOW, identity, logins: directory });
  const add = (event: CascadeEvent) => progress.add(requestForEvent(event, { steps: { identity: pendingStep(), devices: pendingStep() }, accessSteps: ['identity', 'devices'] }));
  return { handler, progress, log, directory, add };
}

describe('step identity (disable-logins)', () => {
  it("disables every login of a deleted customer, whatever the table says of them, and counts them", async () => {
    // Prepare
    const identity = new FakeIdentityProvider();
    const { handler, progress, log, add } = setup(identity, { 'cust-1001': ['u-1', 'u-2', 'u-erased'], 'cust-other': ['u-9'] });
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId: 'cust-1001' } });
    add(event);

    // Act
    const response = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(identity.calls.map((c) => c.login)).toEqual([
      { id: 'u-1', customerId: 'cust-1001' },
      { id: 'u-2', customerId: 'cust-1001' },
      { id: 'u-erased', customerId: 'cust-1001' },
    ]);
    expect(identity.calls.every((c) => c.requestId === event.requestId)).toBe(true);
    expect(progress.get(event.requestId).steps.identity).toMatchObject({ status: 'SUCCESS' });
    expect(log.lines.find((l) => l.message === 'step done')?.fields).toMatchObject({ step: 'identity', disabled: 3, unknown: 0 });
  });

  it("disables only the deleted user's login, without reading the customer's logins", async () => {
    // Prepare
    const identity = new FakeIdentityProvider();
    const { handler, progress, directory, add } = setup(identity, { 'cust-1001': ['u-1', 'u-2'] });
    const event = cascadeEventFactory({ subject: { type: 'user', customerId: 'cust-1001', userId: 'u-2' } });
    add(event);

    // Act
    const response = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(identity.calls.map((c) => c.login)).toEqual([{ id: 'u-2', customerId: 'cust-1001' }]);
    expect(directory.asked).toEqual([]);
    expect(progress.get(event.requestId).steps.identity?.status).toBe('SUCCESS');
  });

  it('counts a login the provider does not know as done, not as disabled', async () => {
    // Prepare
    const identity = new FakeIdentityProvider({ unknown: ['u-ghost'] });
    const { handler, progress, log, add } = setup(identity, { 'cust-1001': ['u-1', 'u-ghost'] });
    const event = cascadeEventFactory();
    add(event);

    // Act
    const response = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(progress.get(event.requestId).steps.identity?.status).toBe('SUCCESS');
    expect(log.lines.find((l) => l.message === 'step done')?.fields).toMatchObject({ disabled: 1, unknown: 1 });
  });

  it('succeeds with nothing to do for a customer without logins', async () => {
    // Prepare
    const identity = new FakeIdentityProvider();
    const { handler, progress, add } = setup(identity);
    const event = cascadeEventFactory({ subject: { type: 'customer', customerId: 'cust-empty' } });
    add(event);

    // Act
    await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(identity.calls).toEqual([]);
    expect(progress.get(event.requestId).steps.identity?.status).toBe('SUCCESS');
  });

  it('retries on a provider failure, shows its safe message, fails the step on the last delivery, and a redelivery still succeeds', async () => {
    // Prepare
    let throttled = true;
    const identity = new FakeIdentityProvider({
      fail: (login) => (throttled && login.id === 'u-2' ? new IdentityProviderError('Cognito TooManyRequestsException on AdminUserGlobalSignOut', { cause: new Error('u-2 is throttled') }) : undefined),
    });
    const { handler, progress, log, add } = setup(identity, { 'cust-1001': ['u-1', 'u-2'] });
    const event = cascadeEventFactory();
    add(event);

    // Act 1: the first delivery fails
    const first = await handler(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-1', receiveCount: 1 })]));

    // Assess 1: retried, PENDING with its attempt and a message without the login
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(progress.get(event.requestId).steps.identity).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'Cognito TooManyRequestsException on AdminUserGlobalSignOut',
    });

    // Act 2: the last delivery (the queue's maxReceiveCount, as declared) fails too
    const last = await handler(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-1', receiveCount: stepByName('identity').queue.maxReceiveCount })]));

    // Assess 2
    expect(last).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(progress.get(event.requestId).steps.identity).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect(progress.get(event.requestId).accessRevokedAt).toBeUndefined();

    // Act 3: a redrive once the provider answers again
    throttled = false;
    const redriven = await handler(sqsEventFactory([sqsRecordFactory(event, { messageId: 'm-2', receiveCount: 1 })]));

    // Assess 3: done, and disabling again the login disabled before harmed nothing
    expect(redriven).toEqual({ batchItemFailures: [] });
    expect(progress.get(event.requestId).steps.identity?.status).toBe('SUCCESS');
    expect([...identity.disabled].sort()).toEqual(['u-1', 'u-2']);
    expect(log.text()).not.toContain('u-2');
  });

  it('does nothing for a duplicate delivery of an event already done', async () => {
    // Prepare
    const identity = new FakeIdentityProvider();
    const { handler, add } = setup(identity, { 'cust-1001': ['u-1'] });
    const event = cascadeEventFactory();
    add(event);
    await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Act
    const again = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect(identity.calls).toHaveLength(1);
  });
});

describe('step identity on a restore (customer.restored)', () => {
  it('enables again the logins the table still has ACTIVE, disables nothing, and a login deleted on its own stays disabled', async () => {
    // Prepare: u-gone was deleted by v2 before the customer was soft-deleted; u-ghost is unknown to the provider
    const identity = new FakeIdentityProvider({ unknown: ['u-ghost'] });
    for (const id of ['u-1', 'u-2', 'u-gone']) identity.disabled.add(id);
    const { handler, progress, log, add } = setup(identity, { 'cust-1001': ['u-1', 'u-2', 'u-gone', 'u-ghost'] }, ['u-gone']);
    const event = cascadeEventFactory({ eventType: 'customer.restored', subject: { type: 'customer', customerId: 'cust-1001' } });
    add(event);

    // Act
    const response = await handler(sqsEventFactory([sqsRecordFactory(event)]));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(identity.calls).toEqual([]);
    expect(identity.enabled).toEqual([
      { id: 'u-1', customerId: 'cust-1001' },
      { id: 'u-2', customerId: 'cust-1001' },
      { id: 'u-ghost', customerId: 'cust-1001' },
    ]);
    expect([...identity.disabled]).toEqual(['u-gone']);
    expect(progress.get(event.requestId).steps.identity?.status).toBe('SUCCESS');
    expect(log.lines.find((l) => l.message === 'step done')?.fields).toMatchObject({ step: 'identity', enabled: 2, unknown: 1 });
  });
});

describe('IDENTITY_PROVIDER', () => {
  it('selects Cognito with its user pool, or the local record with its file', () => {
    expect(createIdentityProvider({ IDENTITY_PROVIDER: 'cognito:us-east-1_EXAMPLE' })).toBeInstanceOf(CognitoIdentityProvider);
    const local = createIdentityProvider({ IDENTITY_PROVIDER: 'local:/tmp/customer-deletion-unused/disabled-logins.json' });
    expect(local).toBeInstanceOf(LocalIdentityProvider);
    expect((local as LocalIdentityProvider).file).toBe('/tmp/customer-deletion-unused/disabled-logins.json');
  });

  it.each(['cognito:', 'local:', 'ldap:x', 'us-east-1_EXAMPLE', 'cognito'])('refuses %j in one clear line', (spec) => {
    expect(() => createIdentityProvider({ IDENTITY_PROVIDER: spec })).toThrow(`IDENTITY_PROVIDER must be 'cognito:<userPoolId>' or 'local:<file>', got '${spec}'`);
  });

  it('refuses an unset variable', () => {
    expect(() => createIdentityProvider({ IDENTITY_PROVIDER: '' })).toThrow('IDENTITY_PROVIDER environment variable is not set');
  });
});
