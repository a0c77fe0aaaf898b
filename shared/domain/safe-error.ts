import { CascadeStepError } from './cascade-errors';
import { DependencyUnavailableError } from './errors';

/**
 * What of a fault may be logged or stored: the one place that decides. Pure (no SDK, no logger),
 * so the domain, the adapters, the workers and the HTTP layer all use the same rules.
 *
 * - An error's message and properties never reach a log or a stored field: for SDK errors they can
 *   quote item values (a name, an address) or request internals. Only its class name does
 *   ({@link errorName}), and for an unexpected fault also its stack frames ({@link faultFields}).
 * - A cascade error's own `safeMessage` may be stored and shown ({@link describeError}); stored
 *   text is one line, without control characters or e-mail addresses, and bounded ({@link safeErrorText}).
 * - A name from customer data is one printable, bounded line before it goes into a notice ({@link cleanName}).
 */

/** C0 controls and DEL: line breaks, tabs, escapes. The only copy of this pattern in the tree. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]+/g;

const EMAIL_LIKE = /[^\s@<>()]+@[^\s@<>()]+/g;

/** A class name such as `ThrottlingException` or `TimeoutError`: letters and digits, bounded. */
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** A step's lastError is shown to API callers: short, one line, no addresses. */
export const MAX_LAST_ERROR_LENGTH = 200;

/** A name in a notice. */
export const MAX_NAME_LENGTH = 100;

/** Control characters become spaces, runs of whitespace one space, no leading or trailing space. */
function oneLine(text: string): string {
  return text.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
}

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Makes an error text safe to store and show: one line, no control characters, no email addresses, bounded. */
export function safeErrorText(text: string): string {
  const safe = bounded(oneLine(text).replace(EMAIL_LIKE, '[redacted]'), MAX_LAST_ERROR_LENGTH);
  return safe === '' ? 'Unknown error' : safe;
}

/** A name from customer data, fit for a line of a notice: one line, printable, bounded ('' when absent). */
export function cleanName(value: string | undefined): string {
  return bounded(oneLine(value ?? ''), MAX_NAME_LENGTH);
}

/**
 * An error's class name (`ThrottlingException`, `TypeError`), when it looks like one; never its
 * message. `undefined` for anything without such a name (a thrown string, a name with spaces).
 */
export function errorName(error: unknown): string | undefined {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' && SAFE_NAME.test(name) ? name : undefined;
}

/**
 * What a log may say about an unexpected fault: its class and where it happened. Not its message
 * or properties, which for SDK errors can carry item values (a customer's name or address).
 */
export function faultFields(error: unknown): { errorName: string; frames: string } {
  const stack = typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  const frames = typeof stack === 'string' ? stack.split('\n').filter((line) => line.trimStart().startsWith('at ')).slice(0, 10).join('\n') : '';
  return { errorName: errorName(error) ?? typeof error, frames };
}

/**
 * What may be said about any error a cascade step meets: a CascadeStepError's own safe message, or
 * for anything else only its class name (`ThrottlingException`, `TimeoutError`), never its message
 * or stack, which for SDK errors can contain request internals and, for SES, the recipient's address.
 */
export function describeError(error: unknown): string {
  if (error instanceof CascadeStepError) return safeErrorText(error.safeMessage);
  // An outage of a dependency (DynamoDB throttling, a refused connection): which one, and its cause's class.
  if (error instanceof DependencyUnavailableError) {
    const name = errorName(error.cause);
    const cause = name && name !== 'Error' ? name : systemErrorCode(error.cause);
    return `${error.dependency} unavailable${cause ? ` (${cause})` : ''}`;
  }
  const name = errorName(error);
  const code = systemErrorCode(error);
  const what = [name && name !== 'Error' ? name : undefined, code].filter((part) => part !== undefined).join(' ');
  return what ? `Unexpected error (${what})` : 'Unexpected error';
}

/** A Node system error's code and call (`ENOTDIR on open`): fixed vocabulary, never a path or a message. */
function systemErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string' || !/^E[A-Z0-9_]{1,30}$/.test(code)) return undefined;
  return typeof syscall === 'string' && /^[a-z_]{1,30}$/.test(syscall) ? `${code} on ${syscall}` : code;
}
