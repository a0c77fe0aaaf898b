import { buildHttpApiEvent, formatApiGatewayTime, matchRoute, type RouteTemplate } from '../../../infra/local/http-api-event';
import { incomingRequest } from './factories';

const deleteCustomer: RouteTemplate = { method: 'DELETE', path: '/customer/{customerId}' };
const deleteUser: RouteTemplate = { method: 'DELETE', path: '/api/v2/customer/{customerId}/user/{userId}' };

describe('matchRoute', () => {
  it('returns the path parameters of a matching request', () => {
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/cust-1001')).toEqual({ customerId: 'cust-1001' });
    expect(matchRoute(deleteUser, 'DELETE', '/api/v2/customer/c-1/user/u-2')).toEqual({ customerId: 'c-1', userId: 'u-2' });
  });

  it('matches a route without parameters with no parameters', () => {
    expect(matchRoute({ method: 'GET', path: '/health' }, 'GET', '/health')).toEqual({});
  });

  it('percent-decodes parameters, and refuses a malformed escape', () => {
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/a%3Ab%20c')).toEqual({ customerId: 'a:b c' });
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/a%2Fb')).toEqual({ customerId: 'a/b' });
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/%E0%A4%A')).toBeUndefined();
  });

  it('refuses another method, but not another case of the same one', () => {
    expect(matchRoute(deleteCustomer, 'GET', '/customer/cust-1')).toBeUndefined();
    expect(matchRoute(deleteCustomer, 'POST', '/customer/cust-1')).toBeUndefined();
    expect(matchRoute(deleteCustomer, 'delete', '/customer/cust-1')).toEqual({ customerId: 'cust-1' });
  });

  it('refuses a path with more or fewer segments', () => {
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/a/b')).toBeUndefined();
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer')).toBeUndefined();
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/a/')).toBeUndefined();
  });

  it('refuses an empty parameter segment and a different literal segment', () => {
    expect(matchRoute(deleteCustomer, 'DELETE', '/customer/')).toBeUndefined();
    expect(matchRoute(deleteUser, 'DELETE', '/api/v2/customer//user/u-2')).toBeUndefined();
    expect(matchRoute(deleteCustomer, 'DELETE', '/customers/cust-1')).toBeUndefined();
  });
});

describe('buildHttpApiEvent', () => {
  const now = new Date(Date.UTC(2020, 2, 12, 19, 3, 58, 123));

  it('builds a payload 2.0 event with the route key, raw path and raw query', () => {
    // Prepare
    const request = incomingRequest({ method: 'delete', url: "/customer/cust-1?mode=hard&note=it's" });

    // Act
    const event = buildHttpApiEvent(request, deleteCustomer, { customerId: 'cust-1' }, now);

    // Assess
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('DELETE /customer/{customerId}');
    expect(event.rawPath).toBe('/customer/cust-1');
    expect(event.rawQueryString).toBe("mode=hard&note=it's");
    expect(event.pathParameters).toEqual({ customerId: 'cust-1' });
    expect(event.requestContext.routeKey).toBe('DELETE /customer/{customerId}');
    expect(event.requestContext.stage).toBe('$default');
  });

  it('lower-cases header names and joins repeated headers with commas', () => {
    const event = buildHttpApiEvent(
      incomingRequest({ headers: { Host: 'api.local', 'X-Trace': 'abc', 'x-multi': ['a', 'b'], 'x-absent': undefined } }),
      deleteCustomer,
      {},
      now,
    );

    expect(event.headers).toEqual({ host: 'api.local', 'x-trace': 'abc', 'x-multi': 'a,b' });
  });

  it('moves cookies out of the headers, one entry per cookie', () => {
    const single = buildHttpApiEvent(incomingRequest({ headers: { Cookie: 'a=1; b=2' } }), deleteCustomer, {}, now);
    const repeated = buildHttpApiEvent(incomingRequest({ headers: { cookie: ['a=1; b=2', 'c=3'] } }), deleteCustomer, {}, now);
    const none = buildHttpApiEvent(incomingRequest(), deleteCustomer, {}, now);

    expect(single.cookies).toEqual(['a=1', 'b=2']);
    expect(single.headers.cookie).toBeUndefined();
    expect(repeated.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(none.cookies).toBeUndefined();
  });

  it('decodes query parameters and joins a repeated key with commas', () => {
    const event = buildHttpApiEvent(incomingRequest({ url: '/customer/c?a=1&b=x%20y&a=2' }), deleteCustomer, {}, now);

    expect(event.queryStringParameters).toEqual({ a: '1,2', b: 'x y' });
    expect(event.rawQueryString).toBe('a=1&b=x%20y&a=2');
  });

  it('leaves out the query, path parameters and body when there are none', () => {
    const event = buildHttpApiEvent(incomingRequest({ url: '/customer/c' }), deleteCustomer, {}, now);

    expect(event.rawQueryString).toBe('');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.pathParameters).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it.each([['application/json'], ['application/json; charset=utf-8'], ['application/vnd.api+json'], ['text/plain'], ['application/x-www-form-urlencoded']])(
    'passes a %s body as text',
    (contentType) => {
      const body = '{"reason":"closed — for good"}';
      const event = buildHttpApiEvent(incomingRequest({ headers: { 'content-type': contentType }, body: Buffer.from(body) }), deleteCustomer, {}, now);

      expect(event.isBase64Encoded).toBe(false);
      expect(event.body).toBe(body);
    },
  );

  it('base64-encodes a binary body', () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    const event = buildHttpApiEvent(incomingRequest({ headers: { 'content-type': 'application/octet-stream' }, body: bytes }), deleteCustomer, {}, now);

    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });

  it('fills the request context: a fresh request id, the time in both formats, method and caller', () => {
    // Prepare
    const request = incomingRequest({ method: 'delete', headers: { host: 'api.local', 'user-agent': 'curl/8.0' }, sourceIp: '10.1.2.3' });

    // Act
    const first = buildHttpApiEvent(request, deleteCustomer, {}, now);
    const second = buildHttpApiEvent(request, deleteCustomer, {}, now);

    // Assess
    const context = first.requestContext;
    expect(context.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.requestContext.requestId).not.toBe(context.requestId);
    expect(context.time).toBe('12/Mar/2020:19:03:58 +0000');
    expect(context.timeEpoch).toBe(now.getTime());
    expect(context.http).toEqual({ method: 'DELETE', path: '/customer/cust-1', protocol: 'HTTP/1.1', sourceIp: '10.1.2.3', userAgent: 'curl/8.0' });
    expect(context.domainName).toBe('api.local');
  });
});

describe('formatApiGatewayTime', () => {
  it.each([
    [Date.UTC(2020, 2, 12, 19, 3, 58), '12/Mar/2020:19:03:58 +0000'],
    [Date.UTC(2021, 0, 5, 4, 3, 2), '05/Jan/2021:04:03:02 +0000'],
    [Date.UTC(1999, 11, 31, 23, 59, 59, 999), '31/Dec/1999:23:59:59 +0000'],
  ])('formats %d as %s (UTC, zero-padded)', (epoch, expected) => {
    expect(formatApiGatewayTime(new Date(epoch))).toBe(expected);
  });
});
