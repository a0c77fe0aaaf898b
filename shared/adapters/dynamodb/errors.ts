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
  // Duck-typed, not `instanceof Error`: socket errors may come from another realm (a VM context).
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, cause, $metadata } = error as { name?: string; code?: string; cause?: { code?: string }; $metadata?: { httpStatusCode?: number } };
  const networkCode = code ?? cause?.code;
  if ((name !== undefined && UNAVAILABLE.has(name)) || (networkCode !== undefined && NETWORK_CODES.has(networkCode))) return true;
  // An SDK error with no HTTP status never got an answer from DynamoDB (connection refused, reset,
  // timed out); one with a 5xx status got a server fault. Either way the service is not there for us.
  if ($metadata !== undefined) return $metadata.httpStatusCode === undefined || $metadata.httpStatusCode >= 500;
  return false;
}

/** Runs an AWS SDK call to `dependency`; an outage becomes a DependencyUnavailableError (a 503 the caller may retry), anything else stays a fault. */
export async function callDependency<T>(dependency: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isUnavailable(error)) throw new DependencyUnavailableError(dependency, { cause: error });
    throw error;
  }
}

/** Runs a DynamoDB call (callDependency for `dynamodb`). */
export const callDynamo = <T>(call: () => Promise<T>): Promise<T> => callDependency('dynamodb', call);
