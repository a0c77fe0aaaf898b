import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { consoleCorsPolicy } from '../../../infra/config/cors';
import { createApiGateway, listen, type ApiHandler, type LocalRoute, type StaticRoute } from '../../../infra/local/api-gateway';
import { PortInUseError } from '../../../infra/local/ports';
import { spyLog } from '../../unit/local/factories';
import { httpRequest } from './http-client';

/** The API Gateway emulation over real HTTP on 127.0.0.1, in front of test handlers. */

const SECRET = 'db-password=hunter2';

function route(method: LocalRoute['method'], path: string, handler: ApiHandler, timeoutSeconds = 2): LocalRoute {
  return { method, path, handler, fn: { name: `test${path.replace(/[^a-z]+/g, '-')}`, timeoutSeconds, memoryMb: 128 } };
}

/** Answers with the event itself, as a bare value (no statusCode): API Gateway sends it as 200 JSON. */
const echo: ApiHandler = async (event) => event as never;
const crash: ApiHandler = async () => {
  throw new Error(`cannot reach the table (${SECRET})`);
};
/** Never answers on its own (afterAll lets it): a response to it can only be the timeout's. */
const slowCalls: (() => void)[] = [];
const slow: ApiHandler = () => new Promise((resolve) => slowCalls.push(() => resolve({ statusCode: 200, body: 'too late' })));

const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'fake-x', y: 'fake-y', kid: 'test-kid' }] };
const staticRoutes: StaticRoute[] = [{ method: 'GET', path: '/.well-known/jwks.json', body: () => jwks }];

describe('API Gateway emulation over HTTP', () => {
  const log = spyLog();
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createApiGateway(
      [
        route('DELETE', '/echo/{id}', echo),
        route('GET', '/echo/{id}/items/{item}', echo),
        route('DELETE', '/crash/{id}', crash),
        route('GET', '/slow', slow, 0.2),
      ],
      staticRoutes,
      log,
    );
    const port = await listen(server, 0);
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const finish of slowCalls) finish();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    log.info.mockClear();
    log.error.mockClear();
  });

  it('hands the handler a payload 2.0 event built from the real request', async () => {
    // Act
    const before = Date.now();
    const response = await httpRequest(`${base}/echo/a%3Ab?mode=hard&tag=x&tag=y`, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json', 'X-Multi': ['one', 'two'], Authorization: ['Bearer first', 'Bearer second'], Cookie: 'a=1; b=2' },
      body: '{"reason":"closed"}',
    });
    const after = Date.now();

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const event = JSON.parse(response.text) as APIGatewayProxyEventV2;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'DELETE /echo/{id}',
      rawPath: '/echo/a%3Ab',
      rawQueryString: 'mode=hard&tag=x&tag=y',
      pathParameters: { id: 'a:b' },
      queryStringParameters: { mode: 'hard', tag: 'x,y' },
      cookies: ['a=1', 'b=2'],
      body: '{"reason":"closed"}',
      isBase64Encoded: false,
    });
    // API Gateway joins every repeated header with "," (Node alone would keep only the first Authorization).
    expect(event.headers).toMatchObject({ 'content-type': 'application/json', 'x-multi': 'one,two', authorization: 'Bearer first,Bearer second' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.http).toMatchObject({ method: 'DELETE', path: '/echo/a%3Ab', sourceIp: '127.0.0.1' });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    // The request's own time: taken while it was in flight, however long that took.
    expect(event.requestContext.timeEpoch).toBeGreaterThanOrEqual(before);
    expect(event.requestContext.timeEpoch).toBeLessThanOrEqual(after);
    expect(log.info).toHaveBeenCalledWith('request', expect.objectContaining({ method: 'DELETE', path: '/echo/a%3Ab', status: 200 }));
  });

  it('base64-encodes a binary request body', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);

    const response = await httpRequest(`${base}/echo/bin`, { method: 'DELETE', headers: { 'content-type': 'application/octet-stream' }, body: bytes });

    const event = JSON.parse(response.text) as APIGatewayProxyEventV2;
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('matches routes with several parameters', async () => {
    const response = await httpRequest(`${base}/echo/c-1/items/i-2`);

    expect(response.status).toBe(200);
    expect((JSON.parse(response.text) as APIGatewayProxyEventV2).pathParameters).toEqual({ id: 'c-1', item: 'i-2' });
  });

  it('answers a crash with a bare 500 and keeps the error in the log only', async () => {
    const response = await httpRequest(`${base}/crash/c-1`, { method: 'DELETE' });

    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({ message: 'Internal Server Error' });
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toContain('cannot reach');
    expect(log.error).toHaveBeenCalledWith('handler failed', expect.objectContaining({ method: 'DELETE', path: '/crash/c-1', error: expect.stringContaining(SECRET) }));
  });

  it('answers 500 when the handler runs past its timeout', async () => {
    const response = await httpRequest(`${base}/slow`);

    // The handler was called and cannot have answered: the 500 is the timeout's.
    expect(slowCalls).toHaveLength(1);
    expect(response.status).toBe(500);
    expect(JSON.parse(response.text)).toEqual({ message: 'Internal Server Error' });
    expect(log.error).toHaveBeenCalledWith('handler failed', expect.objectContaining({ error: expect.stringContaining('Task timed out after 0.20 seconds') }));
  });

  it.each([
    ['an unknown path', 'GET', '/nowhere'],
    ['a known path with another method', 'GET', '/echo/c-1'],
    ['a known path with an empty parameter', 'DELETE', '/echo/'],
  ])('answers 404 JSON for %s', async (_label, method, path) => {
    const response = await httpRequest(`${base}${path}`, { method });

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.text)).toEqual({ message: 'Not Found' });
  });

  it('serves a static route (the JWKS) without a function', async () => {
    const response = await httpRequest(`${base}/.well-known/jwks.json`);

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('max-age=300');
    expect(JSON.parse(response.text)).toEqual(jwks);
  });

  it('refuses a taken port with PortInUseError', async () => {
    const taken = (server.address() as AddressInfo).port;
    const second = createApiGateway([], staticRoutes, log);

    const attempt = listen(second, taken);

    await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
    await expect(attempt).rejects.toThrow(`Port ${taken} is already in use (HTTP API)`);
  });
});

describe('API Gateway CORS emulation (the policy the CDK app gives API Gateway)', () => {
  const CONSOLE = 'http://localhost:5173';
  const log = spyLog();
  let server: Server;
  let plain: Server;
  let base: string;
  let plainBase: string;
  /** A handler that tries to set its own CORS header: API Gateway ignores it when CORS is configured. */
  const permissive: ApiHandler = async () => ({ statusCode: 200, headers: { 'Access-Control-Allow-Origin': '*', 'X-Kept': 'yes' }, body: '{}' });

  beforeAll(async () => {
    server = createApiGateway([route('DELETE', '/items/{id}', permissive)], [], log, {}, consoleCorsPolicy(CONSOLE));
    plain = createApiGateway([route('DELETE', '/items/{id}', permissive)], [], log);
    base = `http://127.0.0.1:${await listen(server, 0)}`;
    plainBase = `http://127.0.0.1:${await listen(plain, 0)}`;
  });

  afterAll(async () => {
    for (const s of [server, plain]) await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  const preflight = (url: string, origin: string) =>
    httpRequest(url, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'DELETE', 'Access-Control-Request-Headers': 'authorization,content-type' } });

  it('answers the console origin\'s preflight itself, with the declared methods, headers and max age', async () => {
    const response = await preflight(`${base}/items/1`, CONSOLE);

    expect(response.status).toBe(204);
    expect(response.headers).toMatchObject({
      'access-control-allow-origin': CONSOLE,
      'access-control-allow-methods': 'GET,POST,PUT,DELETE',
      'access-control-allow-headers': 'authorization,content-type',
      'access-control-max-age': '3600',
    });
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives another origin\'s preflight no CORS header, so the browser refuses it', async () => {
    const response = await preflight(`${base}/items/1`, 'https://evil.example');

    expect(response.status).toBe(204);
    expect(Object.keys(response.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('adds the origin to the handlers\' answers to the console, drops a handler\'s own CORS header, and leaves the gateway\'s own 404 bare', async () => {
    const routed = await httpRequest(`${base}/items/1`, { method: 'DELETE', headers: { Origin: CONSOLE } });
    const unrouted = await httpRequest(`${base}/nowhere`, { method: 'GET', headers: { Origin: CONSOLE } });
    const other = await httpRequest(`${base}/items/1`, { method: 'DELETE', headers: { Origin: 'https://evil.example' } });

    expect(routed.status).toBe(200);
    expect(routed.headers['access-control-allow-origin']).toBe(CONSOLE);
    expect(routed.headers['x-kept']).toBe('yes');
    expect(unrouted.status).toBe(404);
    expect(unrouted.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('without a policy (a stage with no console origin) answers no preflight and adds nothing', async () => {
    const response = await preflight(`${plainBase}/items/1`, CONSOLE);
    const routed = await httpRequest(`${plainBase}/items/1`, { method: 'DELETE', headers: { Origin: CONSOLE } });

    expect(response.status).toBe(404);
    expect(routed.headers['access-control-allow-origin']).toBe('*');
  });
});
