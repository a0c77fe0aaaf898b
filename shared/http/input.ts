import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ActorKey, ActorStanding } from '../domain/actor-standing';
import { TokenRevokedError, ValidationError } from '../domain/errors';
import { ID_PATTERN, type DeletionMode } from '../domain/model';

/** Reading and validating what a caller sent. Every refusal names the problem (400). */

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const MAX_BODY_BYTES = 4096;
const MAX_REASON = 500;
const MAX_TICKET = 100;

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway HTTP APIs lower-case header names; look the same way whatever the source.
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function pathId(event: APIGatewayProxyEventV2, param: string, code: string): string {
  const value = event.pathParameters?.[param];
  if (value === undefined || !ID_PATTERN.test(value)) {
    throw new ValidationError(code, `${param} must be 1-128 characters of letters, digits, '.', '_', ':' or '-'`);
  }
  return value;
}

export function deletionMode(event: APIGatewayProxyEventV2): DeletionMode {
  const mode = event.queryStringParameters?.mode;
  if (mode === undefined || mode === 'soft') return 'soft';
  if (mode === 'hard') return 'hard';
  throw new ValidationError('INVALID_MODE', "mode must be 'soft' or 'hard'");
}

/** `?dryRun=true|false` (absent: false). Anything else is a 400 naming the parameter. */
export function dryRunFlag(event: APIGatewayProxyEventV2, code: string): boolean {
  const value = event.queryStringParameters?.dryRun;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new ValidationError(code, "dryRun must be 'true' or 'false'");
}

/** v2 always erases the user's personal fields: a `mode` there is a mistake to say, not to ignore (SPEC "v2 and mode"). */
export function refuseMode(event: APIGatewayProxyEventV2): void {
  if (event.queryStringParameters?.mode !== undefined) {
    throw new ValidationError('VALIDATION_1001', "mode is not accepted on v2: a v2 deletion always erases the user's personal fields");
  }
}

export function idempotencyKey(event: APIGatewayProxyEventV2): string | null {
  const key = header(event, 'idempotency-key');
  if (key === undefined) return null;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw new ValidationError('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 visible ASCII characters');
  return key;
}

export interface DeletionBody {
  reason: string | null;
  ticket: string | null;
}

function optionalText(body: Record<string, unknown>, field: string, max: number): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new ValidationError('INVALID_BODY', `${field} must be a non-empty string of at most ${max} characters`);
  }
  return value.trim();
}

/** The optional JSON body `{ reason, ticket }`. No body (or an empty one, as the seed's curl sends) is fine. */
export function deletionBody(event: APIGatewayProxyEventV2): DeletionBody {
  if (event.body === undefined || event.body === null) return { reason: null, ticket: null };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') return { reason: null, ticket: null };
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ValidationError('INVALID_BODY', `Body must be at most ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('INVALID_BODY', 'Body must be valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ValidationError('INVALID_BODY', 'Body must be a JSON object');
  const body = parsed as Record<string, unknown>;
  const unknown = Object.keys(body).filter((k) => k !== 'reason' && k !== 'ticket');
  if (unknown.length > 0) throw new ValidationError('INVALID_BODY', `Unknown field(s) in body: ${unknown.slice(0, 5).map((k) => k.slice(0, 40)).join(', ')}`);
  return { reason: optionalText(body, 'reason', MAX_REASON), ticket: optionalText(body, 'ticket', MAX_TICKET) };
}

/**
 * Reads a request's input on behalf of an authenticated actor. Which answer wins (SPEC): a revoked
 * token is a 401 even when the input is also malformed, so a 400 first asks for the actor's
 * standing (one batched read, on the refusal path only).
 */
export async function readInput<T>(actor: ActorKey, standing: ActorStanding, read: () => T): Promise<T> {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError && (await standing.isRevoked(actor))) throw new TokenRevokedError();
    throw error;
  }
}
