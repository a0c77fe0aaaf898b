import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiValidator, type ResponseSeen } from '../../fixtures/openapi-validator';

/** The check every integration response goes through: what it lets pass and what it stops. */
const problems = openApiValidator(JSON.parse(readFileSync(resolve(__dirname, '../../../docs/openapi.json'), 'utf8')) as Record<string, unknown>);
const json = 'application/json';
const headers = (...names: string[]) => ({ has: (name: string) => names.includes(name.toLowerCase()) });
const seen = (over: Partial<ResponseSeen>): ResponseSeen => ({ method: 'DELETE', path: '/customer/c-1', status: 404, contentType: json, headers: headers(), body: '{"success":false,"message":"Customer not found","code":"CUSTOMER_NOT_FOUND"}', ...over });

describe('response validation against docs/openapi.json', () => {
  it('passes a response the document describes', () => {
    expect(problems(seen({}))).toEqual([]);
    expect(problems(seen({ status: 401, headers: headers('www-authenticate'), body: '{"success":false,"message":"Invalid or missing token","code":"INVALID_TOKEN"}' }))).toEqual([]);
  });

  it.each([
    ['a status the route does not give', seen({ status: 418 }), 'answered 418, which the document does not describe'],
    ['a v2 body on a v1 route', seen({ body: '{"errorCode":"CUSTOMER_1002","errorMessage":"Customer does not exist","content":"","pageable":""}' }), "must have required property 'success'"],
    ['a field the schema does not have', seen({ body: '{"success":false,"message":"m","code":"C","stack":"at x"}' }), 'must NOT have additional properties'],
    ['a 401 without WWW-Authenticate', seen({ status: 401, body: '{"success":false,"message":"m","code":"INVALID_TOKEN"}' }), 'header WWW-Authenticate missing'],
    ['a non-JSON content type', seen({ contentType: 'text/html' }), 'content-type text/html'],
    ['a body that is not JSON', seen({ body: '<html>' }), 'the body is not JSON'],
    ['an unknown path answered other than 404', seen({ path: '/customers/c-1', status: 200, body: '{}' }), "no route in the document, and not API Gateway's 404"],
  ])('fails %s', (_label, response, fragment) => {
    expect(problems(response).join('\n')).toContain(fragment);
  });

  it("lets an unknown path get API Gateway's own 404", () => {
    expect(problems(seen({ path: '/customers/c-1', body: '{"message":"Not Found"}' }))).toEqual([]);
  });
});
