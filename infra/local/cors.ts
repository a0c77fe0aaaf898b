import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsPolicy } from '../config/cors';

/**
 * API Gateway's CORS (HTTP API), as the local gateway plays it: with a policy, the gateway itself answers every
 * preflight (an OPTIONS with `origin` and `access-control-request-method`), before any route, and adds
 * `access-control-allow-origin` to the handlers' answers to requests from an allowed origin, dropping any CORS header
 * a handler returned ("API Gateway ignores CORS headers returned from your backend integration"). An origin the policy does not
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
   * The CORS headers an integration's (a handler's) response gets, in place of any it set itself: the origin's, if the
   * policy allows it; none otherwise. Undefined without a policy: the handler's headers stand as they are. Only
   * integration responses: that is where AWS documents adding them, so the gateway's own answers (a 404 for an unknown
   * route) carry none, here as there may.
   */
  integrationHeaders(req: IncomingMessage): Record<string, string> | undefined {
    if (!this.policy) return undefined;
    const origin = req.headers.origin;
    return origin !== undefined && this.policy.allowOrigins.includes(origin) ? { 'access-control-allow-origin': origin } : {};
  }
}
