import { queues, type EnvName, type FunctionSpec, type QueueId } from '../catalog';
import { SERVICE_NAME, type StageConfig } from './stages';

/** Where the environment's resource-derived values come from (CDK tokens in a stack). */
export interface EnvironmentSources {
  tableName: string;
  queueUrls: Record<QueueId, string>;
}

/**
 * Every variable any function may read, with its value in AWS. Typed as `Record<EnvName, string>`:
 * adding a name to the catalog's `EnvName` without giving it a value here fails the type check.
 * Values that are CDK tokens cost nothing when a function does not use them: a token only becomes
 * a cross-stack reference when it is rendered into a template.
 */
export function lambdaEnvironment(config: StageConfig, sources: EnvironmentSources): Record<EnvName, string> {
  const queueUrlVars = Object.fromEntries(queues.map((q) => [q.urlEnv, sources.queueUrls[q.id]])) as Partial<Record<EnvName, string>>;
  const env: Record<EnvName, string> = {
    TABLE_NAME: sources.tableName,
    JWKS_URL: config.auth.jwksUrl,
    JWT_ISSUER: config.auth.issuer,
    JWT_AUDIENCE: config.auth.audience,
    JWT_MAX_TOKEN_AGE_SECONDS: String(config.auth.maxTokenAgeSeconds),
    REVOKE_DEVICES_QUEUE_URL: required(queueUrlVars, 'REVOKE_DEVICES_QUEUE_URL'),
    END_SESSIONS_QUEUE_URL: required(queueUrlVars, 'END_SESSIONS_QUEUE_URL'),
    SEND_EMAIL_QUEUE_URL: required(queueUrlVars, 'SEND_EMAIL_QUEUE_URL'),
    MAIL_TRANSPORT: 'ses',
    MAIL_SENDER: config.mail.sender,
    // Only the local stack's mail sink writes there; set so no listed variable is ever unset.
    MAIL_SINK_DIR: '/tmp/mail',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_LOG_LEVEL: config.logs.level,
  };
  return env;
}

/** Exactly the variables a function's catalog entry lists; throws if one has no value. */
export function environmentFor(spec: Pick<FunctionSpec, 'name' | 'env'>, env: Record<EnvName, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of spec.env) {
    const value = env[name];
    if (value === undefined || value === '') {
      throw new Error(`${spec.name}: environment variable ${name} has no value`);
    }
    picked[name] = value;
  }
  return picked;
}

function required(vars: Partial<Record<EnvName, string>>, name: EnvName): string {
  const value = vars[name];
  if (value === undefined) throw new Error(`No catalog queue has urlEnv ${name}`);
  return value;
}
