import { DependencyUnavailableError } from '../../domain/errors';

/** SDK error names that mean "DynamoDB cannot serve us right now" (the caller may retry): 503. */
const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);

export function isUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code ?? (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return UNAVAILABLE.has(error.name) || (code !== undefined && NETWORK_CODES.has(code));
}

/** Runs a DynamoDB call; an outage becomes a DependencyUnavailableError, anything else stays a fault. */
export async function callDynamo<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isUnavailable(error)) throw new DependencyUnavailableError('dynamodb', { cause: error });
    throw error;
  }
}
