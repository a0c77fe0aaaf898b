import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LocalStack } from '../../../infra/local/stack';
import { SeedBuilder } from '../../fixtures/seed-factory';
import { call, startTestStack } from './stack-harness';

/** GET /openapi.json on the local stack (SPEC "Contracts"): no token needed, the committed document. */

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack(new SeedBuilder().customer('c-1', null).build());
}, 60000);

afterAll(async () => {
  await stack?.stop();
});

it('serves the committed OpenAPI document without authentication', async () => {
  const response = await call(stack, 'GET', '/openapi.json');

  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('public, max-age=300');
  expect(response.json).toEqual(JSON.parse(readFileSync(resolve(__dirname, '../../../docs/openapi.json'), 'utf8')));
});
