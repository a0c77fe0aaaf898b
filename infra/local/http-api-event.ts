import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { HttpMethod } from '../catalog';

export interface RouteTemplate {
  method: HttpMethod;
  path: string;
}

/** Matches a request path against a route template such as `/customer/{customerId}`; returns the
 * decoded path parameters, or undefined. A parameter matches one non-empty path segment. */
export function matchRoute(template: RouteTemplate, method: string, path: string): Record<string, string> | undefined {
  if (template.method !== method.toUpperCase()) return undefined;
  const want = template.path.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    const g = got[i]!;
    const param = /^\{(.+)\}$/.exec(w);
    if (param) {
      if (g === '') return undefined;
      try {
        params[param[1]!] = decodeURIComponent(g);
      } catch {
        return undefined;
      }
    } else if (w !== g) {
      return undefined;
    }
  }
  return params;
}

export interface IncomingHttpRequest {
  method: string;
  /** Path and query, as on the request line. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  sourceIp: string;
}

const textTypes = /^(application\/(json|.*\+json|x-www-form-urlencoded|xml)|text\/)/i;

/** Builds an API Gateway HTTP API payload 2.0 event, as API Gateway would hand it to Lambda. */
export function buildHttpApiEvent(
  request: IncomingHttpRequest,
  route: RouteTemplate,
  pathParameters: Record<string, string>,
  now: Date = new Date(),
): APIGatewayProxyEventV2 {
  const url = new URL(request.url, 'http://localhost');
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (lower === 'cookie') {
      cookies.push(...(Array.isArray(value) ? value : [value]).flatMap((c) => c.split(';').map((s) => s.trim())));
      continue;
    }
    // API Gateway joins repeated headers with commas.
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const queryStringParameters: Record<string, string> = {};
  for (const key of new Set(url.searchParams.keys())) {
    queryStringParameters[key] = url.searchParams.getAll(key).join(',');
  }
  const hasBody = request.body.length > 0;
  const isText = textTypes.test(headers['content-type'] ?? '');
  const requestId = randomUUID();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: `${route.method} ${route.path}`,
    rawPath: url.pathname,
    // As sent: URL would re-encode some characters (' " < >) of the query.
    rawQueryString: rawQuery(request.url),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: request.method.toUpperCase(),
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: `${route.method} ${route.path}`,
      stage: '$default',
      time: formatApiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: hasBody && !isText,
  };
  if (cookies.length > 0) event.cookies = cookies;
  if (Object.keys(queryStringParameters).length > 0) event.queryStringParameters = queryStringParameters;
  if (Object.keys(pathParameters).length > 0) event.pathParameters = pathParameters;
  if (hasBody) event.body = isText ? request.body.toString('utf8') : request.body.toString('base64');
  return event;
}

function rawQuery(requestUrl: string): string {
  const start = requestUrl.indexOf('?');
  if (start === -1) return '';
  const end = requestUrl.indexOf('#', start);
  return requestUrl.slice(start + 1, end === -1 ? undefined : end);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's requestContext.time format: `12/Mar/2020:19:03:58 +0000`. */
export function formatApiGatewayTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000`;
}
