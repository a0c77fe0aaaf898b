import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ValidationError } from '../domain/errors';
import type { Pageable, PageRequest } from '../domain/state-reads';
import { jsonResponse } from './error-mapping';

/** A page's size when the caller names none, its bounds, and how deep paging may go (SPEC: page × size ≤ 10,000). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
export const MAX_PAGE_DEPTH = 10_000;

const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,8})$/;

/**
 * `?page=&size=` of a v2 list: `page` an integer ≥ 0 (default 0), `size` 1–100 (default 20), and
 * `page × size` at most 10,000, so a deep page never walks more than that many records. Anything
 * else is a 400 naming the parameter.
 */
export function pageRequest(event: APIGatewayProxyEventV2, code = 'VALIDATION_1001'): PageRequest {
  const query = event.queryStringParameters ?? {};
  const read = (name: 'page' | 'size', fallback: number): number => {
    const value = query[name];
    if (value === undefined) return fallback;
    if (!NON_NEGATIVE_INTEGER.test(value)) throw new ValidationError(code, `${name} must be a non-negative integer`);
    return Number(value);
  };
  const page = read('page', 0);
  const size = read('size', DEFAULT_PAGE_SIZE);
  if (size < 1 || size > MAX_PAGE_SIZE) throw new ValidationError(code, `size must be between 1 and ${MAX_PAGE_SIZE}`);
  if (page * size > MAX_PAGE_DEPTH) throw new ValidationError(code, `page × size must be at most ${MAX_PAGE_DEPTH}`);
  return { page, size };
}

/** The v2 success ACK of one page of a list, with its real `pageable`. */
export function v2Page(content: readonly unknown[], pageable: Pageable): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(200, { errorCode: '', errorMessage: '', content, pageable });
}
