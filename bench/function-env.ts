import { functionSpec, queueIds, type QueueId } from '../infra/catalog';
import { environmentFor } from '../infra/config/lambda-environment';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../infra/local/local-config';

/**
 * delete-customer's environment as its declaration gives it (`environmentFor`, the same derivation
 * as CDK and the local stack), with the bench's values: a variable the function gains is given here
 * too, and one it does not declare is never set. Nothing here is contacted at cold start.
 */
export function deleteCustomerEnv(values: { tableName: string; jwksUrl: string; maxTokenAgeSeconds: number; logLevel: string }): Record<string, string> {
  return environmentFor(functionSpec('delete-customer'), {
    tableName: values.tableName,
    queueUrls: Object.fromEntries(queueIds.map((id) => [id, `https://sqs.bench.invalid/${id}`])) as Record<QueueId, string>,
    auth: { kind: 'oidc', jwksUrl: values.jwksUrl, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, maxTokenAgeSeconds: values.maxTokenAgeSeconds },
    mail: { sender: 'bench <no-reply@bench.invalid>' },
    identity: { provider: 'local:/dev/null' },
    receipts: { key: 'file:/dev/null', issuer: 'https://receipts.bench.invalid', retiredKeys: '[]' },
    lifecycle: { retentionSeconds: 30 * 24 * 3600 },
    sla: { completionSlaHours: 24, republishAfterMinutes: 15 },
    logLevel: values.logLevel,
  });
}
