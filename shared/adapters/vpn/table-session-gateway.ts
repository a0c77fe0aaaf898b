import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Subject } from '../../domain/model';
import type { VpnSessionGateway, WorkContext } from '../../workers/ports';
import { sessionTermination, transitionSubjectItems, type WorkBudget } from '../dynamodb/cascade-store';

/**
 * The default VPN session gateway: the table is the source of truth for sessions, so ending a
 * session means recording it TERMINATED (with terminatedAt and the request id). An adapter for a
 * real gateway implements the same port: disconnect each ACTIVE session there (idempotently: an
 * unknown or already closed session is success), raise VpnGatewayError on a transient failure,
 * and then record TERMINATED the same way. Within its time budget: a retry ends only the sessions
 * still ACTIVE.
 */
export class TableVpnSessionGateway implements VpnSessionGateway {
  constructor(private readonly doc: DynamoDBDocumentClient, private readonly tableName: string, private readonly budget: WorkBudget = {}) {}

  async terminateActiveSessions(subject: Subject, context: WorkContext): Promise<{ terminated: number }> {
    const { changed } = await transitionSubjectItems(this.doc, this.tableName, subject, sessionTermination, context, this.budget);
    return { terminated: changed };
  }
}
