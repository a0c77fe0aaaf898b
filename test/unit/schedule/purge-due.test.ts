import { NotFoundError, StateConflictError } from '../../../shared/domain/errors';
import { createPurgeDueHandler, PurgeRunError, type DueCustomer, type DuePurges } from '../../../shared/schedule/purge-due';

/** The scheduled purge's run: every due customer tried, held ones skipped, one failure failing the run but no other purge. */

function duePurges(pages: DueCustomer[][]) {
  const marked: string[] = [];
  const asked: string[] = [];
  const port: DuePurges = {
    async *due(at) {
      asked.push(at);
      for (const page of pages) yield page;
    },
    markBlocked: async (customerId) => {
      marked.push(customerId);
    },
  };
  return { port, marked, asked };
}

const clock = { now: () => new Date('2026-12-22T10:00:00.000Z') };

describe('purge-due', () => {
  it('purges every due customer as system:retention, page after page, asking for those due now', async () => {
    const { port, asked } = duePurges([[{ customerId: 'c-1', held: false }], [{ customerId: 'c-2', held: false }]]);
    const purged: { id: string; sub: string; role: string; reason: string | null }[] = [];
    const handler = createPurgeDueHandler({
      duePurges: port,
      clock,
      service: {
        purgeDueCustomer: async (id, input) => {
          purged.push({ id, sub: input.actor.sub, role: input.actor.role, reason: input.reason });
          return { requestId: `r-${id}`, deletedAt: '2026-12-22T10:00:00.000Z' };
        },
      },
    });

    const summary = await handler({});

    expect(asked).toEqual(['2026-12-22T10:00:00.000Z']);
    expect(purged).toEqual([
      { id: 'c-1', sub: 'system:retention', role: 'SYSTEM', reason: 'Retention period ended' },
      { id: 'c-2', sub: 'system:retention', role: 'SYSTEM', reason: 'Retention period ended' },
    ]);
    expect(summary).toEqual({ purged: 2, held: 0, waiting: 0, skipped: 0, failed: 0, truncated: false });
  });

  it('skips a held customer, marking it once; waits for a running soft delete; fails the run for a fault, after trying the others', async () => {
    const { port, marked } = duePurges([
      [
        { customerId: 'held', held: true },
        { customerId: 'held-marked', held: true, blockedBy: 'legalHold' },
        { customerId: 'busy', held: false },
        { customerId: 'broken', held: false },
      ],
      [
        { customerId: 'gone', held: false },
        { customerId: 'fine', held: false },
      ],
    ]);
    const purged: string[] = [];
    const handler = createPurgeDueHandler({
      duePurges: port,
      clock,
      service: {
        purgeDueCustomer: async (id) => {
          if (id === 'busy') throw new StateConflictError('DELETION_IN_PROGRESS', 'still running');
          if (id === 'broken') throw Object.assign(new Error('Throttled'), { name: 'ThrottlingException' });
          if (id === 'gone') throw new NotFoundError('customer');
          purged.push(id);
          return { requestId: 'r', deletedAt: 'd' };
        },
      },
    });

    const error = await handler({}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PurgeRunError);
    expect((error as PurgeRunError).summary).toEqual({ purged: 1, held: 2, waiting: 1, skipped: 1, failed: 1, truncated: false });
    expect(purged).toEqual(['fine']);
    expect(marked).toEqual(['held']);
  });

  it('stops starting purges when the function is about to time out; the next run goes on', async () => {
    const { port } = duePurges([[{ customerId: 'c-1', held: false }]]);
    const purged: string[] = [];
    const handler = createPurgeDueHandler({ duePurges: port, clock, service: { purgeDueCustomer: async (id) => (purged.push(id), { requestId: 'r', deletedAt: 'd' }) } });

    const summary = await handler({}, { awsRequestId: 'run-1', getRemainingTimeInMillis: () => 1000 });

    expect(summary).toMatchObject({ purged: 0, truncated: true });
    expect(purged).toEqual([]);
  });
});
