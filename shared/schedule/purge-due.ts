import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { DynamoDbActorStanding } from '../adapters/dynamodb/actor-standing';
import { tableFromEnv } from '../adapters/dynamodb/client';
import { DynamoDeletionStore } from '../adapters/dynamodb/deletion-store';
import { DynamoDbDuePurges } from '../adapters/dynamodb/purge-index';
import type { Environment } from '../config/env';
import { RETENTION_ACTOR } from '../domain/authorization';
import type { Clock } from '../domain/deletion-ports';
import { DeletionService } from '../domain/deletion-service';
import { DomainError } from '../domain/errors';
import { faultFields } from '../domain/safe-error';
import { systemClock, uuidIds } from '../domain/system';
import { logger } from '../observability/logger';
import { traceInvocation } from '../observability/tracer';

/**
 * The scheduled purge (SPEC "Lifecycle"): every DELETED customer whose `purgeAfter` has passed and
 * that has no legal hold is purged exactly as a purge now does (DeletionService: one transaction per
 * customer, then the cascade in mode hard), by the retention actor. A held customer is skipped and
 * shows `purgeBlockedBy: "legalHold"`. A customer whose soft delete is still running waits for the
 * next run. One customer's failure does not stop the others; the run then fails (its errors metric
 * raises the alarm), and the next run tries again: a purge is one transaction, never half applied.
 */

export interface DueCustomer {
  customerId: string;
  /** A legal hold stands: the purge waits. */
  held: boolean;
  /** What the customer already shows as blocking its purge. */
  blockedBy?: string;
}

/** The port: the due customers, a page at a time, and the mark a held one shows. */
export interface DuePurges {
  due(at: string): AsyncIterable<DueCustomer[]>;
  markBlocked(customerId: string, blocker: 'legalHold'): Promise<void>;
}

export interface PurgeRunSummary {
  purged: number;
  held: number;
  /** The soft delete's request is still IN_PROGRESS: next run. */
  waiting: number;
  /** Gone from under the run (restored, or purged by someone else): nothing to do. */
  skipped: number;
  failed: number;
  /** Stopped early to finish inside the function's timeout: the next run goes on. */
  truncated: boolean;
}

/** The run failed for some customers; each one's id and safe reason are in the log. */
export class PurgeRunError extends Error {
  constructor(readonly summary: PurgeRunSummary) {
    super(`${summary.failed} purge(s) failed in this run`);
    this.name = 'PurgeRunError';
  }
}

const RETENTION_REASON = 'Retention period ended';
/** Purges in flight at once: each is one transaction; a few hide latency without contending. */
const PURGES_IN_FLIGHT = 4;
/** Stop starting new purges when less than this is left of the function's time. */
const TIME_RESERVE_MS = 30_000;

export interface PurgeDuePorts {
  duePurges: DuePurges;
  service: Pick<DeletionService, 'purgeDueCustomer'>;
  clock: Clock;
}

export function createPurgeDueHandler(ports: PurgeDuePorts) {
  return async (_event: unknown, context?: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>): Promise<PurgeRunSummary> => {
    const summary: PurgeRunSummary = { purged: 0, held: 0, waiting: 0, skipped: 0, failed: 0, truncated: false };
    const at = ports.clock.now().toISOString();
    const correlationId = context?.awsRequestId ?? `purge-run-${at}`;
    const outOfTime = () => context !== undefined && context.getRemainingTimeInMillis() < TIME_RESERVE_MS;
    const purgeOne = async (customer: DueCustomer): Promise<void> => {
      if (customer.held) {
        summary.held += 1;
        if (customer.blockedBy !== 'legalHold') await ports.duePurges.markBlocked(customer.customerId, 'legalHold');
        return;
      }
      try {
        await ports.service.purgeDueCustomer(customer.customerId, { actor: { ...RETENTION_ACTOR, scopes: new Set() }, reason: RETENTION_REASON, ticket: null, correlationId });
        summary.purged += 1;
      } catch (error) {
        const code = error instanceof DomainError ? error.code : undefined;
        if (code === 'DELETION_IN_PROGRESS') summary.waiting += 1;
        else if (code === 'DELETION_BLOCKED') summary.held += 1;
        else if (error instanceof DomainError && error.kind === 'not-found') summary.skipped += 1;
        else {
          summary.failed += 1;
          // Ids and a safe reason only: never the customer's name or address.
          logger.error('purge failed', { customerId: customer.customerId, ...(code ? { code } : {}), ...faultFields(error) });
        }
      }
    };
    for await (const page of ports.duePurges.due(at)) {
      if (outOfTime()) {
        summary.truncated = true;
        break;
      }
      for (let i = 0; i < page.length; i += PURGES_IN_FLIGHT) await Promise.all(page.slice(i, i + PURGES_IN_FLIGHT).map(purgeOne));
    }
    logger.info('purge run', { ...summary });
    if (summary.failed > 0) throw new PurgeRunError(summary);
    return summary;
  };
}

/** The composition: the table link's table, the deletion core on it, the purge index. */
export function purgeDueFromEnv(env: Environment) {
  const table = tableFromEnv(env);
  const service = new DeletionService({
    store: new DynamoDeletionStore(table.doc, table.tableName),
    standing: new DynamoDbActorStanding(table),
    clock: systemClock,
    ids: uuidIds,
  });
  const handler = createPurgeDueHandler({ duePurges: new DynamoDbDuePurges(table), service, clock: systemClock });
  return middy<unknown, PurgeRunSummary, Error, Context>()
    .handler((event, context) => handler(event, context))
    .use(traceInvocation())
    .use(injectLambdaContext(logger, { resetKeys: true }));
}
