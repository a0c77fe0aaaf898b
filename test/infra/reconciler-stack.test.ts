import { RECONCILER_METRICS } from '../../infra/catalog';
import { SERVICE_NAME, stageConfig } from '../../infra/config/stages';
import { resourcesOfType, synthesizeService, type SynthesizedService } from './support/service-app';

/**
 * The reconciler in the synthesized templates (dev: republish after 15 minutes, SLA 24 h): run every
 * 5 minutes by an EventBridge rule, and alarmed on through the metrics it publishes (the namespace
 * and names declared once in the catalog, the dimensions Powertools Metrics gives them).
 */

let service: SynthesizedService;
type Resource = { Properties?: Record<string, unknown> };

beforeAll(() => {
  service = synthesizeService(stageConfig('dev'), { nag: true });
}, 60_000);

afterAll(() => service?.cleanup());

function reconcileFunctionId(): string {
  const ids = Object.entries(resourcesOfType(service.templates.workers, 'AWS::Lambda::Function'))
    .filter(([, r]) => String((r as Resource).Properties?.Description).startsWith('reconcile ('))
    .map(([id]) => id);
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

function alarms(): Resource[] {
  return Object.values(resourcesOfType(service.templates.monitoring, 'AWS::CloudWatch::Alarm')) as Resource[];
}

function alarmOn(metricName: string): Resource {
  const matching = alarms().filter((a) => a.Properties?.Namespace === RECONCILER_METRICS.namespace && a.Properties?.MetricName === metricName);
  expect(matching).toHaveLength(1);
  return matching[0] as Resource;
}

/** The dimensions an alarm reads: `service` literally, `function_name` as the workers stack's export of the function's name. */
function expectReconcilerDimensions(alarm: Resource): void {
  const dimensions = alarm.Properties?.Dimensions as { Name: string; Value: unknown }[];
  expect(dimensions.map((d) => d.Name).sort()).toEqual(['function_name', 'service']);
  expect(dimensions.find((d) => d.Name === 'service')?.Value).toBe(SERVICE_NAME);
  expect(JSON.stringify(dimensions.find((d) => d.Name === 'function_name')?.Value)).toContain(reconcileFunctionId());
}

it('runs the reconcile function every 5 minutes from an EventBridge rule, not retried', () => {
  const id = reconcileFunctionId();
  const rules = Object.values(resourcesOfType(service.templates.workers, 'AWS::Events::Rule')).filter((r) => JSON.stringify((r as Resource).Properties?.Targets).includes(id));
  expect(rules).toHaveLength(1);
  expect((rules[0] as Resource).Properties).toEqual(
    expect.objectContaining({ ScheduleExpression: 'rate(5 minutes)', State: 'ENABLED', Targets: [expect.objectContaining({ Arn: { 'Fn::GetAtt': [id, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } })] }),
  );
});

it('alarms when any request is overdue (the largest count of a 10-minute period above 0)', () => {
  const alarm = alarmOn('OverdueRequests');
  expect(alarm.Properties).toEqual(expect.objectContaining({ Statistic: 'Maximum', Period: 600, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1 }));
  expectReconcilerDimensions(alarm);
});

it('alarms when the reconciler republished anything: the relay is losing events', () => {
  const alarm = alarmOn('RepublishedEvents');
  expect(alarm.Properties).toEqual(expect.objectContaining({ Statistic: 'Sum', Period: 600, Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' }));
  expect(String(alarm.Properties?.AlarmDescription)).toMatch(/relay is losing events/);
  expectReconcilerDimensions(alarm);
});

it("tells whoever the relay-failures alarm pages that the reconciler republishes every 5 minutes, and how to run it now", () => {
  const failures = alarms().filter((a) => a.Properties?.MetricName === 'ApproximateNumberOfMessagesVisible' && JSON.stringify(a.Properties?.Dimensions).includes('OutboxRelayFailures'));
  expect(failures).toHaveLength(1);
  const description = String(failures[0]?.Properties?.AlarmDescription);
  expect(description).not.toMatch(/must be replayed/);
  expect(description).toMatch(/older than 15 minutes/);
  expect(description).toMatch(/every 5 minutes/);
  expect(description).toMatch(/aws lambda invoke --function-name/);
  expect(description).toMatch(/npm run reconcile/);
  expect(description.length).toBeLessThanOrEqual(1024);
});
