import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsPolicy } from '../config/cors';

/**
 * API Gateway's CORS (HTTP API), as the local gateway plays it: with a policy, the gateway itself answers every
 * preflight (an OPTIONS with `origin` and `access-control-request-method`), before any route, and adds
 * `access-control-allow-origin` to the answers of requests from an allowed origin, dropping any CORS header a handler
 * returned ("API Gateway ignores CORS headers returned from your backend integration"). An origin the policy does not
 * allow gets no CORS header, so the browser refuses the page the response. Without a policy nothing changes: OPTIONS
 * is just another unrouted method.
 */
export class LocalCors {
  constructor(private readonly policy: CorsPolicy | undefined) {}

  /** Answers the request if it is a preflight (true), or leaves it to the routes (false). */
  preflight(req: IncomingMessage, res: ServerResponse, method: string): boolean {
    if (!this.policy || method !== 'OPTIONS' || req.headers.origin === undefined || req.headers['access-control-request-method'] === undefined) return false;
    const origin = req.headers.origin;
    const headers: Record<string, string> = {};
    if (this.policy.allowOrigins.includes(origin)) {
      headers['access-control-allow-origin'] = origin;
      headers['access-control-allow-methods'] = this.policy.allowMethods.join(',');
      headers['access-control-allow-headers'] = this.policy.allowHeaders.join(',');
      headers['access-control-max-age'] = String(this.policy.maxAgeSeconds);
    }
    res.writeHead(204, headers);
    res.end();
    return true;
  }

  /**
   * Sets the CORS header of an ordinary response from an allowed origin, before the route writes it, so every answer
   * carries it (a handler's, a 404, a 413). Says whether handlers' own CORS headers must go (a policy is set).
   */
  decorate(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.policy) return false;
    const origin = req.headers.origin;
    if (origin !== undefined && this.policy.allowOrigins.includes(origin)) res.setHeader('access-control-allow-origin', origin);
    return true;
  }
}
