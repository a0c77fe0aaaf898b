import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunctions } from '../infra/catalog';
import { buildHttpApiEvent } from '../infra/local/http-api-event';
import { createLambdaContext } from '../infra/local/lambda-runtime';
import type { ApiHandler } from './warm';

/**
 * One HTTP call to an API function's handler, as API Gateway v2 would hand it over: the catalog's
 * route for the function, the path's parameters, a bearer token and a JSON body.
 */
export async function invokeRoute(
  handler: ApiHandler,
  call: { fn: string; pathParameters: Record<string, string>; token: string; query?: string; body?: unknown; idempotent?: boolean },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const spec = apiFunctions.find((fn) => fn.name === call.fn);
  const route = spec?.routes[0];
  if (!spec || !route) throw new Error(`${call.fn} has no route in the catalog`);
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(call.pathParameters[name] ?? ''));
  const body = call.body === undefined ? '' : JSON.stringify(call.body);
  const event = buildHttpApiEvent(
    {
      method: route.method,
      url: `${path}${call.query ? `?${call.query}` : ''}`,
      headers: {
        authorization: `Bearer ${call.token}`,
        'content-type': 'application/json',
        ...(call.idempotent === false ? {} : { 'idempotency-key': randomUUID() }),
        host: 'api.bench.invalid',
        'user-agent': 'bench',
      },
      body: Buffer.from(body),
      sourceIp: '127.0.0.1',
    },
    route,
    call.pathParameters,
  );
  const result = (await handler(event, createLambdaContext(spec.name, spec.timeoutSeconds, spec.memoryMb))) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode ?? 0, body: result.body ? (JSON.parse(String(result.body)) as Record<string, unknown>) : {} };
}
