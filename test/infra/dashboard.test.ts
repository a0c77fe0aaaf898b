import { functions, RECONCILER_METRICS, SERVICE_METRICS, queueIds } from '../../infra/catalog';
import { stageConfig } from '../../infra/config/stages';
import { acceptsRequests, serviceMetricSearch } from '../../infra/stacks/monitoring-stack';
import { resourcesOfType, synthesizeService, type SynthesizedService } from './support/service-app';

/** The dev stage's dashboard, read back from the monitoring template: its widgets must draw the metrics the service declares. */

let service: SynthesizedService;

beforeAll(() => {
  service = synthesizeService(stageConfig('dev'));
}, 60_000);

afterAll(() => service?.cleanup());

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][] };
}

/** The dashboard body as JSON, each CloudFormation token (a function name, a queue name) replaced by TOKEN. */
function dashboardWidgets(): Widget[] {
  const dashboards = Object.values(resourcesOfType(service.templates.monitoring, 'AWS::CloudWatch::Dashboard')) as unknown as { Properties: { DashboardBody: unknown } }[];
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: Widget[] }).widgets;
}

/** Each graph's metric rows by title: an expression row is `[{ expression, label }]`, a metric row `[namespace, name, ...dims, options]`. */
function graphs(): Map<string, unknown[][]> {
  return new Map(dashboardWidgets().filter((w) => w.type === 'metric').map((w) => [w.properties.title ?? '', w.properties.metrics ?? []]));
}

function expressionsOf(title: string): { expression: string; label: string }[] {
  const rows = graphs().get(title);
  expect(rows).toBeDefined();
  return rows!.map((row) => row[0] as { expression: string; label: string });
}

/** The metric names a graph's plain metric rows draw (`[namespace, name, ...]`, `'.'` repeating the row above). */
function metricNamesOf(title: string): string[] {
  const rows = graphs().get(title);
  expect(rows).toBeDefined();
  const names: string[] = [];
  for (const row of rows!) names.push(row[1] === '.' ? names[names.length - 1]! : String(row[1]));
  return names;
}

it('counts accepted requests from exactly the functions that can commit one (an outbox PutItem)', () => {
  expect(functions.filter(acceptsRequests).map((f) => f.name)).toEqual(['delete-customer', 'delete-user', 'bulk-delete', 'restore-customer', 'split-batch', 'purge-due']);
});

const names = (kind: string) => functions.filter((f) => f.kind === kind).map((f) => f.name);

it.each([
  ['Deletions accepted (by type and mode)', 'deletionsAccepted', 'accepted', ['delete-customer', 'delete-user', 'bulk-delete', 'restore-customer', 'split-batch', 'purge-due']],
  ['Refusals (4xx, by code)', 'refusals', 'refused', names('api')],
  ['Step failures (by step; will-retry or failed)', 'stepFailures', 'failed attempts', names('queue-consumer')],
] as const)('%s: one SEARCH of the declared metric per publishing function', (title, metric, label, publishers) => {
  const expressions = expressionsOf(title);
  expect(expressions.map((e) => e.label)).toEqual(publishers.map((name) => `${name} ${label}`));
  for (const { expression } of expressions) expect(expression).toBe(serviceMetricSearch(metric, 'TOKEN', 'Sum', 300));
  expect(expressions[0]!.expression).toContain(`MetricName="${SERVICE_METRICS[metric]}"`);
});

it.each([
  ['Time to SUCCESS (p50, p90)', 'timeToSuccess'],
  ['Time to access cut-off (p50, p90)', 'timeToAccessCutOff'],
] as const)('%s: p50 and p90 of the declared metric from each step consumer', (title, metric) => {
  const consumers = functions.filter((f) => f.kind === 'queue-consumer').length;
  const expressions = expressionsOf(title).map((e) => e.expression);
  expect(expressions.filter((e) => e === serviceMetricSearch(metric, 'TOKEN', 'p50', 300))).toHaveLength(consumers);
  expect(expressions.filter((e) => e === serviceMetricSearch(metric, 'TOKEN', 'p90', 300))).toHaveLength(consumers);
});

it('draws the overdue requests the reconciler publishes, and what the alarms watch', () => {
  expect(metricNamesOf('Overdue requests (reconciler)')).toEqual([RECONCILER_METRICS.overdueRequests, RECONCILER_METRICS.republishedEvents]);
  expect(metricNamesOf('Queue depth (visible messages)')).toEqual(queueIds.map(() => 'ApproximateNumberOfMessagesVisible'));
  expect(metricNamesOf('Oldest message age (seconds)')).toEqual(queueIds.map(() => 'ApproximateAgeOfOldestMessage'));
  expect(metricNamesOf('Dead-letter queue depth')).toHaveLength(queueIds.length + 1);
  expect(metricNamesOf('API 5xx and p99 latency')).toEqual(['5xx', 'Latency']);
  expect(metricNamesOf('Dead-letter queue depth').every((name) => name === 'ApproximateNumberOfMessagesVisible')).toBe(true);
  expect(metricNamesOf('Function errors')).toEqual(functions.map(() => 'Errors'));
  expect(metricNamesOf('Function duration (p99, ms)').every((name) => name === 'Duration')).toBe(true);
});
