import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// zod/mini: the same validation as zod's classic API at a fraction of the bundle (delete-customer has a size budget).
import * as z from 'zod/mini';
import type { ActorKey, ActorStanding } from '../domain/actor-standing';
import { TokenRevokedError, ValidationError } from '../domain/errors';
import { ID_PATTERN, type DeletionMode } from '../domain/model';

/**
 * Reading and validating what a caller sent. Every refusal names the problem (400). The schemas
 * below are what the handlers parse with AND what the OpenAPI document is generated from
 * (shared/http/contract): each carries the exact message a caller gets, so the two cannot disagree.
 */

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
export const MAX_BODY_BYTES = 4096;
export const MAX_REASON = 500;
export const MAX_TICKET = 100;

/** A schema whose refusals all say `message` (its type check and each of its checks). */
const says = (message: string) => ({ error: message });

/** A path id (`customerId`, `userId`, `requestId`): the message names the parameter. */
export function idParam(param: string) {
  const message = `${param} must be 1-128 characters of letters, digits, '.', '_', ':' or '-'`;
  return z.string(says(message)).check(z.regex(ID_PATTERN, says(message)));
}

/** `?mode=soft|hard` (absent: soft). */
export const modeQuery = z._default(z.enum(['soft', 'hard'], says("mode must be 'soft' or 'hard'")), 'soft');

/** `?dryRun=true|false` (absent: false); exactly those two strings, as a boolean. */
export const dryRunQuery = z._default(
  z.codec(z.enum(['true', 'false'], says("dryRun must be 'true' or 'false'")), z.boolean(), { decode: (value) => value === 'true', encode: (value) => (value ? 'true' : 'false') }),
  false,
);

/** Optional: a retry with the same key returns the first response and starts no second cascade. */
export const idempotencyKeyHeader = z.optional(
  z.string(says('Idempotency-Key must be 1-255 visible ASCII characters')).check(z.regex(IDEMPOTENCY_KEY_PATTERN, says('Idempotency-Key must be 1-255 visible ASCII characters'))),
);

/** A reason or ticket: absent or null is none; otherwise non-blank, at most `max` characters before trimming, trimmed. */
export function optionalText(field: string, max: number) {
  const message = `${field} must be a non-empty string of at most ${max} characters`;
  return z.optional(z.nullable(z.string(says(message)).check(z.maxLength(max, says(message)), z.regex(/\S/, says(message)), z.trim())));
}

/** A JSON body object's own refusals: the unknown fields it names (five at most, each cut to 40 characters), or not an object at all. */
export const bodyObjectError = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === 'unrecognized_keys'
      ? `Unknown field(s) in body: ${(issue.keys ?? [])
          .slice(0, 5)
          .map((k) => k.slice(0, 40))
          .join(', ')}`
      : 'Body must be a JSON object',
};

/** The optional JSON body `{ reason, ticket }` of a deletion, restore or legal hold. */
export const deletionBodySchema = z.strictObject({ reason: optionalText('reason', MAX_REASON), ticket: optionalText('ticket', MAX_TICKET) }, bodyObjectError);

/** The first issue a caller should hear of: the whole value's before its fields' (an unknown field before a bad one). */
function firstMessage(error: z.core.$ZodError): string {
  const [issue] = [...error.issues].sort((a, b) => a.path.length - b.path.length);
  return issue?.message ?? 'Invalid input';
}

/** Parses `value` with `schema`; a refusal is a ValidationError with `code` and the schema's own message. */
export function parseWith<T extends z.core.$ZodType>(schema: T, value: unknown, code: string): z.output<T> {
  const result = z.safeParse(schema, value);
  if (!result.success) throw new ValidationError(code, firstMessage(result.error));
  return result.data;
}

export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  // API Gateway HTTP APIs lower-case header names; look the same way whatever the source.
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function pathId(event: APIGatewayProxyEventV2, param: string, code: string): string {
  return parseWith(idParam(param), event.pathParameters?.[param], code);
}

export function deletionMode(event: APIGatewayProxyEventV2): DeletionMode {
  return parseWith(modeQuery, event.queryStringParameters?.mode, 'INVALID_MODE');
}

/** `?dryRun=true|false` (absent: false). Anything else is a 400 naming the parameter. */
export function dryRunFlag(event: APIGatewayProxyEventV2, code: string): boolean {
  return parseWith(dryRunQuery, event.queryStringParameters?.dryRun, code);
}

/** v2 always erases the user's personal fields: a `mode` there is a mistake to say, not to ignore (SPEC "v2 and mode"). */
export function refuseMode(event: APIGatewayProxyEventV2): void {
  if (event.queryStringParameters?.mode !== undefined) {
    throw new ValidationError('VALIDATION_1001', "mode is not accepted on v2: a v2 deletion always erases the user's personal fields");
  }
}

export function idempotencyKey(event: APIGatewayProxyEventV2): string | null {
  return parseWith(idempotencyKeyHeader, header(event, 'idempotency-key'), 'INVALID_IDEMPOTENCY_KEY') ?? null;
}

export interface DeletionBody {
  reason: string | null;
  ticket: string | null;
}

/** The optional JSON body `{ reason, ticket }`. No body (or an empty one, as the seed's curl sends) is fine. */
export function deletionBody(event: APIGatewayProxyEventV2): DeletionBody {
  if (event.body === undefined || event.body === null) return { reason: null, ticket: null };
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (text.trim() === '') return { reason: null, ticket: null };
  // Size and syntax come before the schema: JSON Schema cannot say either.
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new ValidationError('INVALID_BODY', `Body must be at most ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('INVALID_BODY', 'Body must be valid JSON');
  }
  const body = parseWith(deletionBodySchema, parsed, 'INVALID_BODY');
  return { reason: body.reason ?? null, ticket: body.ticket ?? null };
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
