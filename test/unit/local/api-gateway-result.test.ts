import { writeHandlerResult } from '../../../infra/local/api-gateway';
import { recordingResponse } from './factories';

describe('writeHandlerResult', () => {
  it('writes a structured result: status, lower-cased headers, body and its length', () => {
    // Prepare
    const { res, written } = recordingResponse();

    // Act
    writeHandlerResult(res, { statusCode: 409, headers: { 'Content-Type': 'application/problem+json', 'X-Request-Id': 'r-1' }, body: '{"ok":false}' });

    // Assess
    expect(written.status).toBe(409);
    expect(written.headers).toEqual({ 'content-type': 'application/problem+json', 'x-request-id': 'r-1', 'content-length': '12' });
    expect(written.body.toString()).toBe('{"ok":false}');
  });

  it('defaults the content type of a structured body to JSON, and writes an empty body without one', () => {
    const withBody = recordingResponse();
    const empty = recordingResponse();

    writeHandlerResult(withBody.res, { statusCode: 200, body: '{}' });
    writeHandlerResult(empty.res, { statusCode: 204 });

    expect(withBody.written.headers['content-type']).toBe('application/json');
    expect(empty.written.status).toBe(204);
    expect(empty.written.headers['content-length']).toBe('0');
    expect(empty.written.headers['content-type']).toBeUndefined();
    expect(empty.written.body).toHaveLength(0);
  });

  it.each([
    ['an object without statusCode', { customerId: 'c-1', body: 'not the body' }, '{"customerId":"c-1","body":"not the body"}'],
    ['a string', 'hello', '"hello"'],
  ])('answers 200 JSON with the whole value for a bare value (%s)', (_label, value, expected) => {
    const { res, written } = recordingResponse();

    writeHandlerResult(res, value as never);

    expect(written.status).toBe(200);
    expect(written.headers['content-type']).toBe('application/json');
    expect(written.body.toString()).toBe(expected);
  });

  it('decodes a base64 body to its bytes', () => {
    const { res, written } = recordingResponse();
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);

    writeHandlerResult(res, { statusCode: 200, isBase64Encoded: true, headers: { 'content-type': 'application/octet-stream' }, body: bytes.toString('base64') });

    expect(written.body).toEqual(bytes);
    expect(written.headers['content-length']).toBe('5');
  });

  it('sends each cookie as its own Set-Cookie header', () => {
    const { res, written } = recordingResponse();

    writeHandlerResult(res, { statusCode: 200, cookies: ['a=1; HttpOnly', 'b=2; Secure'], body: '{}' });

    expect(written.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2; Secure']);
  });
});
