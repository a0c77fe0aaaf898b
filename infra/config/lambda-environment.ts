import { dlqUrlVariable, queueIds, queueUrlVariable, variablesOf, type EnvName, type FunctionSpec, type QueueId } from '../catalog';
import { tokenVerifierVariables, type AuthConfig } from './auth';
import { SERVICE_NAME } from './stages';

/**
 * Where a platform's variable values come from: CDK tokens and stage configuration in AWS, the
 * emulators' addresses and local settings in the local stack. Both platforms give each function
 * exactly what its declaration's links name (`variablesOf`), through `environmentFor` below.
 */
export interface EnvironmentValues {
  tableName: string;
  queueUrls: Readonly<Record<QueueId, string>>;
  /** The stage's issuer (either kind); `tokenVerifierVariables` turns it into the token-verifier link's variables. */
  auth: AuthConfig;
  /** MAIL_SENDER, the From address. AWS and the local stack send through SES alike (locally its emulator, by endpoint). */
  mail: { sender: string };
  /** IDENTITY_PROVIDER: `cognito:<userPoolId>` in AWS, `local:<file>` in the local stack. */
  identity: { provider: string };
  /** The deletion-receipt key (RECEIPT_KEY: `kms:<key ARN>` in AWS, `file:<path>` locally), the receipts' issuer,
   * and the retired public keys the keys route still lists (RECEIPT_RETIRED_KEYS, a JSON array of JWKs). */
  receipts: { key: string; issuer: string; retiredKeys: string };
  /** RETENTION_SECONDS: how long a soft-deleted customer is kept before the scheduled purge. */
  lifecycle: { retentionSeconds: number };
  /** COMPLETION_SLA_HOURS and OUTBOX_REPUBLISH_AFTER_MINUTES: when a request is overdue, when the reconciler steps in. */
  sla: { completionSlaHours: number; republishAfterMinutes: number };
  logLevel: string;
  /** The step queues' DLQ URLs and how a DLQ is moved back (QUEUE_REDRIVE: `sqs-move-task` in AWS, `copy` locally), for
   * the operator's queue functions. Optional: a platform without them (a benchmark) cannot build those functions
   * (`environmentFor` names the missing variable). */
  stepQueues?: { dlqUrls: Readonly<Record<QueueId, string>>; redrive: 'sqs-move-task' | 'copy' };
}

/** Every variable's value on one platform. Typed over the fixed names: adding one without a value fails the type check. */
export function variableValues(values: EnvironmentValues): Record<EnvName, string> {
  return {
    TABLE_NAME: values.tableName,
    ...tokenVerifierVariables(values.auth),
    MAIL_SENDER: values.mail.sender,
    IDENTITY_PROVIDER: values.identity.provider,
    RECEIPT_KEY: values.receipts.key,
    RECEIPT_ISSUER: values.receipts.issuer,
    RECEIPT_RETIRED_KEYS: values.receipts.retiredKeys,
    RETENTION_SECONDS: String(values.lifecycle.retentionSeconds),
    COMPLETION_SLA_HOURS: String(values.sla.completionSlaHours),
    OUTBOX_REPUBLISH_AFTER_MINUTES: String(values.sla.republishAfterMinutes),
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_LOG_LEVEL: values.logLevel,
    ...Object.fromEntries(queueIds.map((id) => [queueUrlVariable(id), values.queueUrls[id]])),
    ...(values.stepQueues
      ? { QUEUE_REDRIVE: values.stepQueues.redrive, ...Object.fromEntries(queueIds.map((id) => [dlqUrlVariable(id), values.stepQueues?.dlqUrls[id]])) }
      : {}),
  } as Record<EnvName, string>;
}

/** Exactly the variables a function's declaration gives it; throws if one has no value. */
export function environmentFor(spec: Pick<FunctionSpec, 'name' | 'links'>, values: EnvironmentValues): Record<string, string> {
  const all = variableValues(values);
  const picked: Record<string, string> = {};
  for (const name of variablesOf(spec)) {
    const value = all[name];
    if (value === undefined || value === '') throw new Error(`${spec.name}: environment variable ${name} has no value`);
    picked[name] = value;
  }
  return picked;
}
