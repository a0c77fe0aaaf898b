import type { Step } from '../../../shared/domain/model';
import {
  applyStepOutcome,
  accessRevokedAt,
  deriveRequestStatus,
  pendingSteps,
  nextStep,
  type StepOutcome,
} from '../../../shared/domain/request-progress';

const T0 = '2026-11-22T07:30:00.000Z';
const T1 = '2026-11-22T07:31:00.000Z';
const T2 = '2026-11-22T07:32:00.000Z';

const step = (status: Step['status'], attempts = 0, extra: Partial<Step> = {}): Step => ({ status, attempts, updatedAt: T1, ...extra });
const succeeded: StepOutcome = { kind: 'succeeded' };
const failed = (exhausted = false, error = 'Unexpected error (ThrottlingException)'): StepOutcome => ({ kind: 'failed', error, exhausted });

describe('nextStep', () => {
  it.each([
    ['PENDING + success → SUCCESS', step('PENDING'), succeeded, 'SUCCESS', 1],
    ['PENDING + failed attempt → PENDING', step('PENDING'), failed(false), 'PENDING', 1],
    ['PENDING + exhausted attempt → FAILED', step('PENDING', 2), failed(true), 'FAILED', 3],
    ['FAILED + success (redrive) → SUCCESS', step('FAILED', 3), succeeded, 'SUCCESS', 4],
    ['FAILED + failed attempt (redrive) → stays FAILED', step('FAILED', 3), failed(false), 'FAILED', 4],
  ] as const)('%s', (_name, current, outcome, status, attempts) => {
    // Act
    const { step: next, changed } = nextStep(current, outcome, T2);

    // Assess
    expect(changed).toBe(true);
    expect(next.status).toBe(status);
    expect(next.attempts).toBe(attempts);
    expect(next.updatedAt).toBe(T2);
  });

  it.each([
    ['a duplicate success', succeeded],
    ['a late failed attempt', failed(false)],
    ['a late exhausted attempt', failed(true)],
  ] as const)('never moves a SUCCESS step: %s changes nothing', (_name, outcome) => {
    // Prepare
    const done = step('SUCCESS', 1, { updatedAt: T1 });

    // Act
    const result = nextStep(done, outcome, T2);

    // Assess
    expect(result).toEqual({ step: done, changed: false });
  });

  it('records the failed attempt with its error, and a later success clears it and records its count', () => {
    // Act
    const afterFailure = nextStep(step('PENDING'), failed(false, 'Unexpected error (TimeoutError)'), T1).step;
    const afterSuccess = nextStep(afterFailure, { kind: 'succeeded', count: 3 }, T2).step;

    // Assess
    expect(afterFailure).toEqual({ status: 'PENDING', attempts: 1, lastError: 'Unexpected error (TimeoutError)', updatedAt: T1 });
    expect(afterSuccess).toEqual({ status: 'SUCCESS', attempts: 2, count: 3, updatedAt: T2 });
  });

  it('an out-of-order (older) failure counts as an attempt but neither rewinds updatedAt nor overwrites a newer error', () => {
    // Prepare
    const current = step('PENDING', 1, { lastError: 'newer error', updatedAt: T2 });

    // Act
    const { step: next } = nextStep(current, failed(false, 'older error'), T0);

    // Assess
    expect(next).toEqual({ status: 'PENDING', attempts: 2, lastError: 'newer error', updatedAt: T2 });
  });

  it('an out-of-order exhausted attempt still fails the step', () => {
    // Act
    const { step: next } = nextStep(step('PENDING', 2, { updatedAt: T2 }), failed(true), T0);

    // Assess
    expect(next.status).toBe('FAILED');
  });

  it('treats a missing step as PENDING with no attempts', () => {
    // Act
    const { step: next } = nextStep(undefined, failed(false), T1);

    // Assess
    expect(next).toMatchObject({ status: 'PENDING', attempts: 1, updatedAt: T1 });
  });
});

describe('deriveRequestStatus', () => {
  const steps = (devices: Step['status'], sessions: Step['status'], email: Step['status']): Record<string, Step> => ({
    devices: step(devices),
    sessions: step(sessions),
    email: step(email),
  });

  it.each([
    [steps('PENDING', 'PENDING', 'PENDING'), 'IN_PROGRESS'],
    [steps('SUCCESS', 'SUCCESS', 'PENDING'), 'IN_PROGRESS'],
    [steps('SUCCESS', 'SUCCESS', 'SUCCESS'), 'SUCCESS'],
    [steps('FAILED', 'PENDING', 'PENDING'), 'FAILED'],
    [steps('SUCCESS', 'FAILED', 'SUCCESS'), 'FAILED'],
  ] as const)('%o → %s', (input, expected) => {
    // Act / Assess
    expect(deriveRequestStatus(input)).toBe(expected);
  });
});

describe('applyStepOutcome', () => {
  const request = (devices: Step, sessions: Step, email: Step) => ({
    status: deriveRequestStatus({ devices, sessions, email }),
    steps: { devices, sessions, email },
    updatedAt: T1,
  });

  it('moves the request to SUCCESS when its last step succeeds', () => {
    // Act
    const result = applyStepOutcome(request(step('SUCCESS', 1), step('SUCCESS', 1), step('PENDING')), 'email', succeeded, T2);

    // Assess
    expect(result).toMatchObject({ changed: true, status: 'SUCCESS', updatedAt: T2 });
  });

  it('moves the request to FAILED when a step is exhausted', () => {
    // Act
    const result = applyStepOutcome(request(step('PENDING', 2), step('SUCCESS', 1), step('PENDING')), 'devices', failed(true), T2);

    // Assess
    expect(result.status).toBe('FAILED');
    expect(result.steps.devices).toMatchObject({ status: 'FAILED', attempts: 3 });
  });

  it('brings a FAILED request to SUCCESS when a redriven step succeeds and the others already have', () => {
    // Act
    const result = applyStepOutcome(request(step('FAILED', 3), step('SUCCESS', 1), step('SUCCESS', 1)), 'devices', succeeded, T2);

    // Assess
    expect(result.status).toBe('SUCCESS');
  });

  it('reports no change (and keeps the request) for a duplicate success', () => {
    // Prepare
    const current = request(step('SUCCESS', 1), step('PENDING'), step('PENDING'));

    // Act
    const result = applyStepOutcome(current, 'devices', succeeded, T2);

    // Assess
    expect(result).toMatchObject({ changed: false, status: 'IN_PROGRESS', updatedAt: T1 });
    expect(result.steps.devices).toEqual(current.steps.devices);
  });

  it('leaves a request alone when the step is not one of its own (another request type\'s step)', () => {
    // Prepare: a user deletion has no erasure step
    const current = request(step('SUCCESS', 1), step('SUCCESS', 1), step('PENDING'));

    // Act
    const result = applyStepOutcome(current, 'erasure', succeeded, T2);

    // Assess
    expect(result).toMatchObject({ changed: false, status: 'IN_PROGRESS', updatedAt: T1 });
    expect(result.steps).toEqual(current.steps);
  });

  it('waits for every step the request was created with, however many', () => {
    // Prepare: a hard delete's four steps, three done
    const steps = { ...request(step('SUCCESS', 1), step('SUCCESS', 1), step('SUCCESS', 1)).steps, erasure: step('PENDING') };

    // Act
    const before = deriveRequestStatus(steps);
    const after = applyStepOutcome({ status: before, steps, updatedAt: T1 }, 'erasure', succeeded, T2);

    // Assess
    expect(before).toBe('IN_PROGRESS');
    expect(after.status).toBe('SUCCESS');
  });
});

describe('pendingSteps', () => {
  it('starts each named step as PENDING with no attempts', () => {
    // Act
    const steps = pendingSteps(['identity', 'email'], T1);

    // Assess
    expect(steps).toEqual({ identity: { status: 'PENDING', attempts: 0, updatedAt: T1 }, email: { status: 'PENDING', attempts: 0, updatedAt: T1 } });
  });
});

describe('accessRevokedAt', () => {
  const success = (at: string) => step('SUCCESS', 1, { updatedAt: at });

  it('is the time the last access step succeeded, once all have', () => {
    // Act / Assess
    expect(accessRevokedAt({ devices: success(T2), sessions: success(T0), email: step('PENDING') }, ['devices', 'sessions'])).toBe(T2);
  });

  it.each([
    ['an access step still pending', { devices: success(T1), sessions: step('PENDING') }],
    ['an access step failed', { devices: success(T1), sessions: step('FAILED', 3) }],
    ['an access step missing from the request', { devices: success(T1) }],
  ])('is undefined with %s', (_label, steps) => {
    // Act / Assess
    expect(accessRevokedAt(steps, ['devices', 'sessions'])).toBeUndefined();
  });

  it('is undefined for a request that has no access steps', () => {
    // Act / Assess
    expect(accessRevokedAt({ erasure: success(T1) }, [])).toBeUndefined();
    expect(accessRevokedAt({ erasure: success(T1) }, undefined)).toBeUndefined();
  });

  it('is set by the step outcome that completes the access steps, and not before', () => {
    // Prepare
    const steps = { devices: success(T1), sessions: step('PENDING'), email: step('PENDING') };
    const request = { status: 'IN_PROGRESS' as const, steps, accessSteps: ['devices', 'sessions'], updatedAt: T1 };

    // Act
    const afterEmail = applyStepOutcome(request, 'email', succeeded, T2);
    const afterSessions = applyStepOutcome(request, 'sessions', succeeded, T2);

    // Assess
    expect(afterEmail.accessRevokedAt).toBeUndefined();
    expect(afterSessions.accessRevokedAt).toBe(T2);
  });
});
