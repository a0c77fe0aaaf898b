import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { SERVICE_METRICS } from '../../../infra/catalog';
import { ConflictError, ForbiddenError } from '../../../shared/domain/errors';
import { jsonResponse } from '../../../shared/http/error-mapping';
import { httpHandler } from '../../../shared/http/middleware';
import { codeDimension, noMetrics, powertoolsServiceMetrics, serviceMetricsFor, type ServiceMetrics } from '../../../shared/observability/metrics';
import { createCascadeConsumer } from '../../../shared/workers/cascade-consumer';
import { cascadeEventFactory, requestForEvent } from '../../fixtures/cascade-events';
import { recordingLog, sqsEventFactory, sqsRecordFactory } from '../workers/factories';
import { InMemoryProcessedEvents, InMemoryRequestProgress } from '../workers/fakes';

/** A ServiceMetrics that remembers each call, in order. */
function recordingMetrics(): ServiceMetrics & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    deletionAccepted: (...args) => calls.push(['deletionAccepted', ...args]),
    refused: (...args) => calls.push(['refused', ...args]),
    requestSucceeded: (...args) => calls.push(['requestSucceeded', ...args]),
    accessCutOff: (...args) => calls.push(['accessCutOff', ...args]),
    stepFailed: (...args) => calls.push(['stepFailed', ...args]),
  };
}

/** The EMF lines Powertools writes to stdout while `act` runs. */
function emfLinesOf(act: () => void): Record<string, unknown>[] {
  const written: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return written.flatMap((chunk) => chunk.split('\n')).filter((line) => line.includes('"_aws"')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const apiEvent = (): APIGatewayProxyEventV2 => ({ routeKey: 'DELETE /customer/{customerId}', requestContext: { requestId: 'api-req-1' } }) as unknown as APIGatewayProxyEventV2;
const lambdaContext = { functionName: 'delete-customer', awsRequestId: 'aws-1' } as Context;

describe('service metrics (EMF through Powertools)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('publishes each signal as one EMF line with its declared name, namespace and dimensions', () => {
    // Prepare
    delete process.env.POWERTOOLS_METRICS_DISABLED;
    delete process.env.POWERTOOLS_DEV;
    process.env.POWERTOOLS_SERVICE_NAME = 'customer-deletion';
    const metrics = powertoolsServiceMetrics('customer-deletion-dev-api-DeleteCustomer-abc');

    // Act
    const lines = emfLinesOf(() => {
      metrics.deletionAccepted('customer.delete', 'hard');
      metrics.refused('SCOPE_MISSING');
      metrics.requestSucceeded('user.delete', 4200.4);
      metrics.accessCutOff('customer.delete', 1500);
      metrics.stepFailed('devices', 'will-retry');
    });

    // Assess
    const summary = lines.map((line) => {
      const aws = line._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
      const [definition] = aws.CloudWatchMetrics;
      const name = definition!.Metrics[0]!.Name;
      const dimensions = Object.fromEntries(definition!.Dimensions[0]!.map((key) => [key, line[key]]));
      return { namespace: definition!.Namespace, name, unit: definition!.Metrics[0]!.Unit, value: line[name], dimensions };
    });
    const fn = { service: 'customer-deletion', function_name: 'customer-deletion-dev-api-DeleteCustomer-abc' };
    expect(summary).toEqual([
      { namespace: 'CustomerDeletion', name: SERVICE_METRICS.deletionsAccepted, unit: 'Count', value: 1, dimensions: { ...fn, type: 'customer.delete', mode: 'hard' } },
      { namespace: 'CustomerDeletion', name: SERVICE_METRICS.refusals, unit: 'Count', value: 1, dimensions: { ...fn, code: 'SCOPE_MISSING' } },
      { namespace: 'CustomerDeletion', name: SERVICE_METRICS.timeToSuccess, unit: 'Milliseconds', value: 4200, dimensions: { ...fn, type: 'user.delete' } },
      { namespace: 'CustomerDeletion', name: SERVICE_METRICS.timeToAccessCutOff, unit: 'Milliseconds', value: 1500, dimensions: { ...fn, type: 'customer.delete' } },
      { namespace: 'CustomerDeletion', name: SERVICE_METRICS.stepFailures, unit: 'Count', value: 1, dimensions: { ...fn, step: 'devices', outcome: 'will-retry' } },
    ]);
  });

  it('prints nothing when POWERTOOLS_METRICS_DISABLED is true, even in Lambda', () => {
    // Prepare
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const metrics = serviceMetricsFor({ AWS_LAMBDA_FUNCTION_NAME: 'customer-deletion-dev-api-DeleteCustomer-abc' });

    // Act
    const lines = emfLinesOf(() => metrics.refused('FORBIDDEN'));

    // Assess
    expect(lines).toEqual([]);
  });

  it('publishes nothing outside Lambda (the local stack, the tests): no AWS_LAMBDA_FUNCTION_NAME', () => {
    expect(serviceMetricsFor({})).toBe(noMetrics);
    expect(serviceMetricsFor({ AWS_LAMBDA_FUNCTION_NAME: 'f' })).not.toBe(noMetrics);
  });

  it('keeps only the service\'s own codes as a dimension value', () => {
    expect(codeDimension('VALIDATION_1001')).toBe('VALIDATION_1001');
    expect(codeDimension('alice@example.com')).toBe('OTHER');
    expect(codeDimension(undefined)).toBe('OTHER');
  });
});

describe('refusals counted by the HTTP layer', () => {
  it.each([
    ['v1', new ForbiddenError('NOT_MANAGED', 'Not your customer'), ['refused', 'NOT_MANAGED']],
    ['v2', new ForbiddenError('NOT_MANAGED', 'Not your customer'), ['refused', 'AUTH_1003']],
    ['v1', new ConflictError([], 0), ['refused', 'DELETION_BLOCKED']],
  ] as const)('%s: a refused request is counted by the code the caller got', async (flavor, error, expected) => {
    // Prepare
    const metrics = recordingMetrics();
    const handler = httpHandler(flavor, async () => { throw error; }, metrics);

    // Act
    const response = await handler(apiEvent(), lambdaContext);

    // Assess
    expect(response).toMatchObject({ statusCode: expect.any(Number) });
    expect(metrics.calls).toEqual([expected]);
  });

  it('counts a 4xx a handler answers itself, and neither a success nor a 500', async () => {
    // Prepare
    const metrics = recordingMetrics();
    const answers = [jsonResponse(404, { success: false, code: 'CUSTOMER_NOT_FOUND' }), jsonResponse(200, { success: true })];
    const handler = httpHandler('v1', async () => answers.shift()!, metrics);
    const failing = httpHandler('v1', async () => { throw new Error('boom'); }, metrics);

    // Act
    await handler(apiEvent(), lambdaContext);
    await handler(apiEvent(), lambdaContext);
    await failing(apiEvent(), lambdaContext);

    // Assess
    expect(metrics.calls).toEqual([['refused', 'CUSTOMER_NOT_FOUND']]);
  });
});

describe('step failures counted by the cascade consumer', () => {
  it('counts a retried attempt as will-retry and the last delivery as failed, by step', async () => {
    // Prepare
    const metrics = recordingMetrics();
    const processed = new InMemoryProcessedEvents();
    const progress = new InMemoryRequestProgress(processed);
    const event = cascadeEventFactory();
    progress.add(requestForEvent(event));
    const handler = createCascadeConsumer({
      consumer: 'revoke-devices',
      step: 'devices',
      maxReceiveCount: 2,
      processed,
      progress,
      work: async () => { throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }); },
      log: recordingLog(),
      metrics,
    });

    // Act
    await handler(sqsEventFactory([sqsRecordFactory(event, { receiveCount: 1 })]));
    await handler(sqsEventFactory([sqsRecordFactory(event, { receiveCount: 2 })]));

    // Assess
    expect(metrics.calls).toEqual([
      ['stepFailed', 'devices', 'will-retry'],
      ['stepFailed', 'devices', 'failed'],
    ]);
  });
});
