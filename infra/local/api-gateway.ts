import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import type { ApiFunctionSpec } from '../catalog';
import type { CorsPolicy } from '../config/cors';
import { LocalCors } from './cors';
import { buildHttpApiEvent, matchRoute, type RouteTemplate } from './http-api-event';
import { invokeWithTimeout, type AsyncHandler } from './lambda-runtime';
import { listenOn } from './ports';

export type ApiHandler = AsyncHandler<APIGatewayProxyEventV2, APIGatewayProxyResultV2>;

export interface LocalRoute extends RouteTemplate {
  fn: Pick<ApiFunctionSpec, 'name' | 'timeoutSeconds' | 'memoryMb'>;
  handler: ApiHandler;
}

/** Routes served by the stack itself rather than by a function (the token issuer's JWKS, the health check). */
export interface StaticRoute {
  method: 'GET';
  path: string;
  /** The JSON answer, computed per request (the health check asks the emulators each time). */
  body: () => unknown;
  /** Its status from the answer: 200 unless it says otherwise. */
  status?: (body: unknown) => number;
  /** Default `max-age=300` (a JWKS may be cached); a health check says `no-store`. */
  cacheControl?: string;
}

export interface ApiGatewayLog {
  info(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024; // API Gateway's payload limit

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Writes a payload 2.0 result the way API Gateway does, including its "bare value" shortcut. With CORS configured,
 * `corsHeaders` replace the handler's own CORS headers, as API Gateway's replace them.
 */
export function writeHandlerResult(res: ServerResponse, result: APIGatewayProxyResultV2, corsHeaders?: Record<string, string>): void {
  if (typeof result === 'string' || result === null || result === undefined || typeof result !== 'object' || !('statusCode' in result)) {
    // API Gateway treats anything without statusCode as a 200 JSON body.
    sendJson(res, 200, result ?? null, corsHeaders);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!(corsHeaders && name.toLowerCase().startsWith('access-control-'))) headers[name.toLowerCase()] = String(value);
  }
  Object.assign(headers, corsHeaders);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  headers['content-length'] = String(body.length);
  if (!headers['content-type'] && body.length > 0) headers['content-type'] = 'application/json';
  res.writeHead(result.statusCode ?? 200, headers);
  res.end(body);
}

/** The request's body, or undefined once it passes `limit` bytes (API Gateway's payload limit by default). */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * An HTTP server that plays API Gateway (HTTP API, payload 2.0) in front of the catalog's handlers:
 * it matches the route, builds the event, invokes the handler in process with a Lambda-like
 * context and timeout, and writes the result back. Unknown routes and handler crashes answer as
 * API Gateway does (404 / 500 JSON), with the crash itself only in the stack's log.
 */
export function createApiGateway(
  routes: readonly LocalRoute[],
  staticRoutes: readonly StaticRoute[],
  log: ApiGatewayLog,
  /** The local stack's own non-API paths (the operator console); set once they are ready. Answers whether it served the request. */
  extra: { handle?: (req: IncomingMessage, res: ServerResponse, method: string, pathname: string) => Promise<boolean> } = {},
  /** The API's CORS (infra/config/cors.ts), played as API Gateway plays it; none: no CORS, as a stage without a console origin. */
  corsPolicy?: CorsPolicy,
): Server {
  const cors = new LocalCors(corsPolicy);
  return createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (cors.preflight(req, res, method)) return;
      if (extra.handle && (await extra.handle(req, res, method, url.pathname))) return;
      const staticRoute = staticRoutes.find((r) => r.method === method && r.path === url.pathname);
      if (staticRoute) {
        const body: unknown = await staticRoute.body();
        sendJson(res, staticRoute.status?.(body) ?? 200, body, { 'cache-control': staticRoute.cacheControl ?? 'max-age=300' });
        return;
      }
      let matched: { route: LocalRoute; params: Record<string, string> } | undefined;
      for (const route of routes) {
        const params = matchRoute(route, method, url.pathname);
        if (params) {
          matched = { route, params };
          break;
        }
      }
      if (!matched) {
        sendJson(res, 404, { message: 'Not Found' });
        return;
      }
      const body = await readBody(req);
      if (body === undefined) {
        sendJson(res, 413, { message: 'Request Entity Too Large' });
        return;
      }
      const event = buildHttpApiEvent(
        // headersDistinct, not headers: Node joins repeats with ", " and drops repeats of some
        // (authorization, user-agent…); API Gateway joins every repeated header with ",".
        { method, url: req.url ?? '/', headers: req.headersDistinct, body, sourceIp: req.socket.remoteAddress ?? '127.0.0.1' },
        matched.route,
        matched.params,
      );
      const started = Date.now();
      try {
        const result = await invokeWithTimeout(matched.route.handler, event, matched.route.fn);
        writeHandlerResult(res, result, cors.integrationHeaders(req));
        log.info('request', { fn: matched.route.fn.name, method, path: url.pathname, status: res.statusCode, ms: Date.now() - started });
      } catch (error) {
        log.error('handler failed', { fn: matched.route.fn.name, method, path: url.pathname, error: error instanceof Error ? error.stack : String(error) });
        if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      }
    })().catch((error: unknown) => {
      log.error('api gateway fault', { error: error instanceof Error ? error.stack : String(error) });
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
    });
  });
}

export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return listenOn(server, port, 'HTTP API', host);
}
