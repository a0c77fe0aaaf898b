import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { authConfigProblems, type AuthConfig } from './auth';

/**
 * Per-stage configuration for the AWS deployment: the values that differ between a developer
 * stage and production. Selected with CDK context: `cdk deploy -c stage=prod` (default `dev`).
 * Account and region default to the credentials CDK runs with (CDK_DEFAULT_ACCOUNT /
 * CDK_DEFAULT_REGION; without credentials the stacks synthesize environment-agnostic, offline).
 * Pin them per stage to make CDK refuse to deploy a stage into the wrong account.
 *
 * The auth, mail and identity values below are placeholders for an identity provider, an SES
 * identity and a Cognito user pool you own: replace them before the first deploy of a stage.
 */

export type StageName = 'dev' | 'prod';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface StageConfig {
  stage: StageName;
  /** Optional pin: the AWS account and region this stage must be deployed to. */
  account?: string;
  region?: string;
  /** Production keeps data when the stack goes away (RETAIN, deletion protection on the table). */
  production: boolean;
  /** Bearer-token verification inside the API functions (jose): a generic OIDC issuer (exact `aud`) or a
   * Cognito user pool (access tokens, `client_id`, resource-server scopes); see infra/config/auth.ts. */
  auth: AuthConfig;
  /** Deletion notices go through SES: MAIL_SENDER is the From header; the send-email function may
   * send only as this verified identity (a domain or an address). */
  mail: {
    sender: string;
    sesIdentity: string;
  };
  /** The Cognito user pool whose logins the identity step disables (IDENTITY_PROVIDER=cognito:<userPoolId>):
   * the disable-logins function may call AdminUserGlobalSignOut, AdminDisableUser and AdminEnableUser
   * on this pool only. Its id is `<region>_<suffix>`; the pool may live in another region than the stage. */
  identity: {
    userPoolId: string;
  };
  /** The deletion lifecycle (SPEC "Lifecycle"): a soft-deleted customer is purged `retentionDays` after
   * its deletion (default 30, DEFAULT_RETENTION_DAYS), by the scheduled purge. */
  lifecycle?: {
    retentionDays: number;
  };
  /** Requests' completion SLA (SPEC "Requests"): a request not SUCCESS `completionSlaHours` after its creation is
   * overdue (default 24). The reconciler republishes outbox items (and re-asks for receipts) older than
   * `republishAfterMinutes` (default 15). */
  sla?: {
    completionSlaHours?: number;
    republishAfterMinutes?: number;
  };
  /** Signed deletion receipts (SPEC "Signed deletion receipt"): their `iss`, and the public keys of retired
   * receipt keys (JWKs, public members only), which the keys route keeps listing so that old receipts verify. */
  receipts?: {
    issuer: string;
    retiredPublicKeys?: readonly RetiredReceiptKey[];
  };
  /** HTTP API default-stage throttling (requests per second, and burst). */
  throttle: {
    rateLimit: number;
    burstLimit: number;
  };
  /** Retention of the functions' logs and the API access logs. */
  logs: {
    retention: RetentionDays;
    level: LogLevel;
  };
  /** The operator console (infra/stacks/console-stack.ts: S3 behind CloudFront). `origin` is the one browser origin the
   * API's CORS allows, `https://host` exactly as the browser sends it (no path, no trailing slash): the console's
   * CloudFront domain (the stack's ConsoleOrigin output, known after its first deploy) or your own domain in front of
   * it. A setting rather than a reference because the console stack already depends on the API stack (its config.json
   * and CSP name the API's URL): the API taking the distribution's domain back would be a cycle. Unset, the API allows
   * no browser origin and the deployed console cannot call it (synth warns).
   *
   * Sign-in (authorization code + PKCE, written to the console's config.json): `clientId` is the console's public
   * client at the issuer (no secret; its allowed callback URL the console's URL, `origin` + `/`), and the issuer's
   * `authorizationEndpoint` and `tokenEndpoint` (for a Cognito pool, its domain's `/oauth2/authorize` and
   * `/oauth2/token`). The three go together; without them the deployed console says sign-in is not configured.
   * `logoutEndpoint` (optional; Cognito's `/logout`, an OIDC issuer's `end_session_endpoint`) lets "Sign out" end the
   * issuer's session too; its allowed sign-out URL is the console's URL. */
  console?: {
    origin?: string;
    clientId?: string;
    authorizationEndpoint?: string;
    tokenEndpoint?: string;
    logoutEndpoint?: string;
  };
  /** Alarm notifications: when enabled, an SNS topic (KMS-encrypted) receives every alarm (and its return
   * to OK) and each listed address is subscribed to it. Alarms exist either way. A production stage must
   * notify someone: its addresses are not kept in this file but given at synth (`stageConfig`'s inputs:
   * `-c alarmEmails=a@x,b@y` or ALARM_EMAILS), so a synth without them fails instead of paging nobody. */
  alarms: {
    notify: boolean;
    emails: readonly string[];
  };
}

/** What a stage takes from the deployer at synth rather than from this file (CDK context, else the environment). */
export interface StageInputs {
  /** Comma-separated alarm subscribers: `cdk synth -c alarmEmails=…`, or ALARM_EMAILS. Replaces the stage's list and turns notification on. */
  alarmEmails?: string;
}

/** The synth inputs as infra/app.ts reads them: context first, then the environment. */
export function stageInputsFrom(context: (key: string) => unknown, env: NodeJS.ProcessEnv = process.env): StageInputs {
  const fromContext = context('alarmEmails');
  const alarmEmails = typeof fromContext === 'string' ? fromContext : env.ALARM_EMAILS;
  return alarmEmails !== undefined && alarmEmails.trim() !== '' ? { alarmEmails } : {};
}

/** The service name in logs (POWERTOOLS_SERVICE_NAME) and in the stack names. */
export const SERVICE_NAME = 'customer-deletion';

export const stages: Record<StageName, StageConfig> = {
  dev: {
    stage: 'dev',
    production: false,
    auth: {
      kind: 'oidc',
      jwksUrl: 'https://auth.dev.example.com/.well-known/jwks.json',
      issuer: 'https://auth.dev.example.com/',
      audience: 'customer-deletion-api',
      maxTokenAgeSeconds: 3600,
    },
    mail: {
      sender: 'Customer Deletion <no-reply@dev.example.com>',
      sesIdentity: 'dev.example.com',
    },
    identity: { userPoolId: 'us-east-1_EXAMPLE' },
    lifecycle: { retentionDays: 30 },
    receipts: { issuer: 'https://api.dev.example.com/deletion-receipts', retiredPublicKeys: [] },
    throttle: { rateLimit: 20, burstLimit: 40 },
    logs: { retention: RetentionDays.ONE_WEEK, level: 'DEBUG' },
    alarms: { notify: false, emails: [] },
  },
  prod: {
    stage: 'prod',
    production: true,
    auth: {
      kind: 'oidc',
      jwksUrl: 'https://auth.example.com/.well-known/jwks.json',
      issuer: 'https://auth.example.com/',
      audience: 'customer-deletion-api',
      maxTokenAgeSeconds: 900,
    },
    mail: {
      sender: 'Customer Deletion <no-reply@example.com>',
      sesIdentity: 'example.com',
    },
    identity: { userPoolId: 'us-east-1_EXAMPLE' },
    lifecycle: { retentionDays: 30 },
    receipts: { issuer: 'https://api.example.com/deletion-receipts', retiredPublicKeys: [] },
    throttle: { rateLimit: 100, burstLimit: 200 },
    logs: { retention: RetentionDays.THREE_MONTHS, level: 'INFO' },
    alarms: { notify: true, emails: [] },
  },
};

/** How long a soft-deleted customer is kept before its purge when a stage does not say (SPEC "Lifecycle"). */
export const DEFAULT_RETENTION_DAYS = 30;

/** The stage's retention, in seconds: what RETENTION_SECONDS carries to the delete function. */
export function retentionSecondsOf(config: Pick<StageConfig, 'lifecycle'>): number {
  return (config.lifecycle?.retentionDays ?? DEFAULT_RETENTION_DAYS) * 24 * 3600;
}

/** A request's completion SLA when a stage does not say (SPEC "Requests"), and the reconciler's threshold. */
export const DEFAULT_COMPLETION_SLA_HOURS = 24;
export const DEFAULT_REPUBLISH_AFTER_MINUTES = 15;

/** The stage's SLA settings, as COMPLETION_SLA_HOURS and OUTBOX_REPUBLISH_AFTER_MINUTES carry them. */
export function slaSettingsOf(config: Pick<StageConfig, 'sla'>): { completionSlaHours: number; republishAfterMinutes: number } {
  return {
    completionSlaHours: config.sla?.completionSlaHours ?? DEFAULT_COMPLETION_SLA_HOURS,
    republishAfterMinutes: config.sla?.republishAfterMinutes ?? DEFAULT_REPUBLISH_AFTER_MINUTES,
  };
}

/** A retired receipt key's public part (an EC P-256 JWK). */
export interface RetiredReceiptKey {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
}

/** The receipts' issuer and retired keys, as RECEIPT_ISSUER and RECEIPT_RETIRED_KEYS carry them. */
export function receiptSettingsOf(config: Pick<StageConfig, 'stage' | 'receipts'>): { issuer: string; retiredKeys: string } {
  return {
    issuer: config.receipts?.issuer ?? `urn:customer-deletion:${config.stage}:receipts`,
    retiredKeys: JSON.stringify((config.receipts?.retiredPublicKeys ?? []).map(({ kty, crv, x, y }) => ({ kty, crv, x, y }))),
  };
}

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && Object.hasOwn(stages, value);
}

/** The configuration of a stage with the deployer's inputs applied, checked up front so a bad value fails synth, not a deploy. */
export function stageConfig(name: unknown, inputs: StageInputs = {}): StageConfig {
  if (!isStageName(name)) {
    throw new Error(`Unknown stage ${JSON.stringify(name)}: expected one of ${Object.keys(stages).join(', ')} (cdk -c stage=NAME)`);
  }
  const config = withInputs(stages[name], inputs);
  validateStageConfig(config);
  return config;
}

/** A stage's configuration with the synth inputs applied (nothing else changes). */
export function withInputs(config: StageConfig, inputs: StageInputs): StageConfig {
  if (inputs.alarmEmails === undefined) return config;
  const emails = inputs.alarmEmails
    .split(',')
    .map((email) => email.trim())
    .filter((email) => email !== '');
  return { ...config, alarms: { notify: true, emails } };
}

/** The stages that may keep the example values (`example.com`, `us-east-1_EXAMPLE`): they are never anyone's production. */
export const PLACEHOLDER_TOLERANT_STAGES: readonly StageName[] = ['dev'];

/** A value that is one of this file's examples, not a deployer's: an RFC 2606 example domain or Cognito's `_EXAMPLE` pool. */
const PLACEHOLDER = /(^|[./@<])example\.(com|org|net)([/:>]|$)|_EXAMPLE$/;

/** The fields of a stage that still hold an example value (empty when it has none). */
export function placeholderFields(config: StageConfig): string[] {
  const fields: Record<string, string | undefined> = {
    'auth.issuer': config.auth.kind === 'oidc' ? config.auth.issuer : undefined,
    'auth.jwksUrl': config.auth.kind === 'oidc' ? config.auth.jwksUrl : undefined,
    'auth.userPoolId': config.auth.kind === 'cognito' ? config.auth.userPoolId : undefined,
    'mail.sender': config.mail.sender,
    'mail.sesIdentity': config.mail.sesIdentity,
    'identity.userPoolId': config.identity.userPoolId,
    'receipts.issuer': config.receipts?.issuer,
  };
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined && PLACEHOLDER.test(value))
    .map(([field]) => field);
}

/** A Cognito user pool id: its region, an underscore, and an alphanumeric suffix (`us-east-1_EXAMPLE`). */
export const COGNITO_USER_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;

/**
 * What is wrong with a stage's console sign-in settings: the three go together, the endpoints are https URLs without a
 * fragment, and a Cognito stage's console client is one whose access tokens the API accepts.
 */
function consoleSignInProblems(settings: StageConfig['console'], auth: StageConfig['auth']): string[] {
  const problems: string[] = [];
  const { clientId, authorizationEndpoint, tokenEndpoint, logoutEndpoint } = settings ?? {};
  const given = [clientId, authorizationEndpoint, tokenEndpoint].filter((v) => v !== undefined).length;
  if (given !== 0 && given !== 3) problems.push('console.clientId, console.authorizationEndpoint and console.tokenEndpoint go together: set all three for the console\'s sign-in, or none');
  if (logoutEndpoint !== undefined && given !== 3) problems.push('console.logoutEndpoint needs the console\'s sign-in (console.clientId, console.authorizationEndpoint, console.tokenEndpoint)');
  if (clientId !== undefined && !/^[\w.+:-]{1,256}$/.test(clientId)) problems.push('console.clientId must be an OIDC client id (letters, digits, _ . + : -)');
  if (clientId !== undefined && auth.kind === 'cognito' && !auth.clientIds.includes(clientId)) {
    problems.push(`console.clientId ${clientId} must be one of auth.clientIds: the API refuses access tokens of any other app client`);
  }
  for (const [name, url] of [['authorizationEndpoint', authorizationEndpoint], ['tokenEndpoint', tokenEndpoint], ['logoutEndpoint', logoutEndpoint]] as const) {
    if (url !== undefined && !isHttpsUrl(url)) problems.push(`console.${name} must be an https URL without a fragment (the issuer's ${name.replace('Endpoint', '')} endpoint)`);
  }
  return problems;
}

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' && url.hash === '' && !text.includes('#');
  } catch {
    return false;
  }
}

/** A browser's `Origin` for an https page: scheme, lower-case host, optional port; what CORS compares byte for byte. */
export const CONSOLE_ORIGIN = /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d{1,5})?$/;

export function validateStageConfig(config: StageConfig): void {
  const problems: string[] = [];
  problems.push(...authConfigProblems(config.auth));
  if (config.mail.sesIdentity === '' || !config.mail.sender.includes(config.mail.sesIdentity)) {
    problems.push('mail.sender must be an address of mail.sesIdentity (SES only sends as a verified identity)');
  }
  const retentionDays = config.lifecycle?.retentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) problems.push('lifecycle.retentionDays must be a whole number of days from 1 to 3650');
  const sla = slaSettingsOf(config);
  if (!Number.isInteger(sla.completionSlaHours) || sla.completionSlaHours < 1 || sla.completionSlaHours > 24 * 90) problems.push('sla.completionSlaHours must be a whole number of hours from 1 to 2160');
  if (!Number.isInteger(sla.republishAfterMinutes) || sla.republishAfterMinutes < 1 || sla.republishAfterMinutes > 24 * 60) problems.push('sla.republishAfterMinutes must be a whole number of minutes from 1 to 1440');
  if (!COGNITO_USER_POOL_ID.test(config.identity.userPoolId)) problems.push('identity.userPoolId must be a Cognito user pool id (<region>_<suffix>)');
  if (!(config.throttle.rateLimit > 0) || !(config.throttle.burstLimit >= 1) || !Number.isInteger(config.throttle.burstLimit)) {
    problems.push('throttle.rateLimit must be > 0 and throttle.burstLimit a positive integer');
  }
  if (config.account !== undefined && !/^\d{12}$/.test(config.account)) problems.push('account must be a 12-digit AWS account id');
  if ((config.account === undefined) !== (config.region === undefined)) problems.push('pin account and region together, or neither');
  if (config.console?.origin !== undefined && !CONSOLE_ORIGIN.test(config.console.origin)) {
    problems.push('console.origin must be an https origin exactly as a browser sends it: https://host[:port], lower case, no path or trailing slash');
  }
  problems.push(...consoleSignInProblems(config.console, config.auth));
  const invalidEmails = config.alarms.emails.filter((email) => !/^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/.test(email));
  if (invalidEmails.length > 0) problems.push(`alarms.emails: not an e-mail address: ${invalidEmails.map((e) => JSON.stringify(e)).join(', ')}`);
  if (config.production && (!config.alarms.notify || config.alarms.emails.length === 0)) {
    problems.push(
      'a production stage must send its alarms to someone: give the subscribers at synth with -c alarmEmails=oncall@your.org[,…] or ALARM_EMAILS=… (comma-separated; each confirms the SNS subscription e-mail)',
    );
  }
  if (!PLACEHOLDER_TOLERANT_STAGES.includes(config.stage)) {
    const placeholders = placeholderFields(config);
    if (placeholders.length > 0) {
      problems.push(
        `${placeholders.join(', ')} still hold the example values (example.com, us-east-1_EXAMPLE): replace them in infra/config/stages.ts with your issuer, SES identity and user pool (only ${PLACEHOLDER_TOLERANT_STAGES.join(', ')} may keep them)`,
      );
    }
  }
  if (problems.length > 0) {
    throw new Error(`Stage ${config.stage} configuration is invalid: ${problems.join('; ')}`);
  }
}
