/**
 * The API's CORS, declared once: the CDK app hands it to API Gateway (infra/stacks/api-stack.ts) and the local gateway
 * plays API Gateway's part with it (infra/local/cors.ts), so the two cannot drift.
 *
 * For the operator console, the one browser client: exactly its origin (no wildcard), the methods and the two request
 * headers it sends (the bearer token and a JSON body), no credentials (the token travels in a header, never a cookie).
 */
export interface CorsPolicy {
  allowOrigins: readonly string[];
  allowMethods: readonly ('GET' | 'POST' | 'PUT' | 'DELETE')[];
  /** Lower case, as API Gateway compares them. */
  allowHeaders: readonly string[];
  maxAgeSeconds: number;
}

export function consoleCorsPolicy(origin: string): CorsPolicy {
  return { allowOrigins: [origin], allowMethods: ['GET', 'POST', 'PUT', 'DELETE'], allowHeaders: ['authorization', 'content-type'], maxAgeSeconds: 3600 };
}
