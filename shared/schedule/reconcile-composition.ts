import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { queueIds, queueUrlVariable, RECONCILER_METRICS, type QueueId } from '../../infra/catalog';
import { tableFromEnv } from '../adapters/dynamodb/client';
import { DynamoDbOutboxStore } from '../adapters/dynamodb/outbox-store';
import { DynamoDbReconcileStore } from '../adapters/dynamodb/reconcile-store';
import { createSqsClient } from '../adapters/sqs/client';
import { SqsQueuePublisher } from '../adapters/sqs/queue-publisher';
import { requireEnv, requirePositiveIntEnv, type Environment } from '../config/env';
import { systemClock } from '../domain/system';
import { logger } from '../observability/logger';
import { createReconcileHandler, type ReconcileMetrics, type ReconcilePorts, type ReconcileReport } from './reconcile';
import { traceInvocation } from '../observability/tracer';

/**
 * The reconciler's composition: its table link's table, the relay's publisher on every step's queue
 * (the same adapters as the relay: shared/outbox/relay-composition.ts), its two settings. The Lambda
 * adds the metrics; `npm run reconcile` builds the same ports and prints the report instead.
 */
export function reconcilePortsFromEnv(env: Environment, metrics: ReconcileMetrics): ReconcilePorts {
  const queueUrls = Object.fromEntries(queueIds.map((id) => [id, requireEnv(env, queueUrlVariable(id))])) as Record<QueueId, string>;
  const settings = {
    completionSlaHours: requirePositiveIntEnv(env, 'COMPLETION_SLA_HOURS'),
    republishAfterMinutes: requirePositiveIntEnv(env, 'OUTBOX_REPUBLISH_AFTER_MINUTES'),
  };
  const table = tableFromEnv(env);
  const sqs = createSqsClient();
  return {
    store: new DynamoDbReconcileStore(table),
    relay: { publisher: new SqsQueuePublisher(sqs, queueUrls), outbox: new DynamoDbOutboxStore(table) },
    clock: systemClock,
    settings,
    metrics,
  };
}

/** The run's counts as CloudWatch metrics (EMF on stdout, which Lambda ships to CloudWatch): RECONCILER_METRICS. */
export function powertoolsReconcileMetrics(metrics: Metrics): ReconcileMetrics {
  return {
    record(counts) {
      metrics.addMetric(RECONCILER_METRICS.overdueRequests, MetricUnit.Count, counts.overdueRequests);
      metrics.addMetric(RECONCILER_METRICS.republishedEvents, MetricUnit.Count, counts.republishedEvents);
      metrics.addMetric(RECONCILER_METRICS.reaskedReceipts, MetricUnit.Count, counts.reaskedReceipts);
    },
  };
}

/** The scheduled reconciler: published with dimensions `service` (POWERTOOLS_SERVICE_NAME) and `function_name`, as the alarms read them. */
export function reconcileFromEnv(env: Environment) {
  const metrics = new Metrics({ namespace: RECONCILER_METRICS.namespace });
  const handler = createReconcileHandler(reconcilePortsFromEnv(env, powertoolsReconcileMetrics(metrics)));
  return middy<unknown, ReconcileReport, Error, Context>()
    .handler((event, context) => {
      // One function per stage: its name keeps one stage's metrics apart from another's in a shared account.
      metrics.addDimension('function_name', context.functionName);
      return handler(event, context);
    })
    .use(traceInvocation())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}
