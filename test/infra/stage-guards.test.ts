import { queues } from '../../infra/catalog';
import { OUTAGE_TO_RIDE_OUT_SECONDS, catalogProblems, retryWindowProblems, retryWindowSeconds } from '../../infra/config/catalog-rules';
import { placeholderFields, stageConfig, stageInputsFrom, stages, validateStageConfig, withInputs } from '../../infra/config/stages';
import { configuredProductionStage, TEST_ALARM_EMAIL } from './support/production-config';

describe('a production stage must page someone', () => {
  it('refuses prod without an alarm subscriber, saying how to give one', () => {
    const noSubscriber = { ...configuredProductionStage(), alarms: { notify: true, emails: [] } };
    expect(() => validateStageConfig(noSubscriber)).toThrow(/production stage must send its alarms to someone: .*-c alarmEmails=.*ALARM_EMAILS/);
  });

  it('takes the subscribers from CDK context first, then ALARM_EMAILS, and turns notification on', () => {
    expect(stageInputsFrom((key) => (key === 'alarmEmails' ? 'a@x.test' : undefined), { ALARM_EMAILS: 'b@x.test' })).toEqual({ alarmEmails: 'a@x.test' });
    expect(stageInputsFrom(() => undefined, { ALARM_EMAILS: 'b@x.test' })).toEqual({ alarmEmails: 'b@x.test' });
    expect(stageInputsFrom(() => undefined, { ALARM_EMAILS: ' ' })).toEqual({});
    expect(withInputs(stages.dev, { alarmEmails: 'a@x.test, b@x.test' }).alarms).toEqual({ notify: true, emails: ['a@x.test', 'b@x.test'] });
  });

  it('refuses a subscriber that is not an address', () => {
    expect(() => stageConfig('dev', { alarmEmails: 'oncall' })).toThrow(/alarms.emails: not an e-mail address: "oncall"/);
  });

  it('synthesizes a configured prod (the test config pages the test address)', () => {
    expect(configuredProductionStage().alarms).toEqual({ notify: true, emails: [TEST_ALARM_EMAIL] });
  });
});

describe('placeholders never reach production', () => {
  it('refuses prod as shipped: its example.com values and example pool, each named', () => {
    expect(() => stageConfig('prod', { alarmEmails: TEST_ALARM_EMAIL })).toThrow(
      'auth.issuer, auth.jwksUrl, mail.sender, mail.sesIdentity, identity.userPoolId, receipts.issuer still hold the example values',
    );
  });

  it('lets dev keep them', () => {
    expect(placeholderFields(stages.dev).length).toBeGreaterThan(0);
    expect(() => stageConfig('dev')).not.toThrow();
  });

  it('does not take a real domain that merely contains "example" for a placeholder', () => {
    const config = { ...configuredProductionStage(), mail: { sender: 'No Reply <no-reply@myexample.com>', sesIdentity: 'myexample.com' } };
    expect(placeholderFields(config)).toEqual([]);
  });
});

describe('retries outlast a 10-minute outage', () => {
  /** When each delivery of a message happens: the first at 0, each retry when the previous visibility timeout ends. */
  function deliveryTimes(queue: { maxReceiveCount: number; visibilityTimeoutSeconds: number }): number[] {
    return Array.from({ length: queue.maxReceiveCount }, (_, i) => i * queue.visibilityTimeoutSeconds);
  }

  it.each(queues.map((q) => [q.id, q] as const))('%s: an outage starting with its first delivery ends before its last', (_id, queue) => {
    // The worst case: every delivery during the outage fails; one must come after it, and the step then succeeds.
    const last = deliveryTimes(queue).at(-1) as number;
    expect(last).toBeGreaterThan(OUTAGE_TO_RIDE_OUT_SECONDS);
    expect(retryWindowSeconds(queue)).toBe(last);
  });

  it('would have failed with the old settings (3 deliveries, 190 s apart: 380 s)', () => {
    const old = { ...(queues[0] as (typeof queues)[number]), maxReceiveCount: 3, visibilityTimeoutSeconds: 190 };
    expect(deliveryTimes(old).at(-1)).toBeLessThan(OUTAGE_TO_RIDE_OUT_SECONDS);
    expect(retryWindowProblems(old).join('; ')).toMatch(/maxReceiveCount 3 is below 5; .*span 380s/);
  });

  it('keeps the catalog sound', () => {
    expect(catalogProblems()).toEqual([]);
  });
});
