import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { apiFunctions, type ApiFunctionSpec } from '../../../infra/catalog';
import { ID_PATTERN } from '../../../shared/domain/model';
import { openApiDocument } from '../../../shared/http/contract/openapi';
import { routeContracts } from '../../../shared/http/contract/routes';
import { createOpenApiHandler } from '../../../shared/http/routes/openapi';
import { apiEventFactory } from '../../fixtures/api-events';
import { schemaValidator } from '../../fixtures/openapi-validator';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../../..');
const committed = JSON.parse(readFileSync(resolve(ROOT, 'docs/openapi.json'), 'utf8')) as Record<string, unknown>;
type Operation = { operationId: string; parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[]; responses: Record<string, { content: { 'application/json': { schema: Record<string, unknown>; examples: Record<string, { value: unknown }> } } }> };
const paths = committed.paths as Record<string, Record<string, Operation>>;

describe('the OpenAPI document', () => {
  it('has an operation for every route the catalog declares, and no other', () => {
    const declared = apiFunctions.flatMap((fn) => fn.routes.map((r) => `${r.method} ${r.path}`)).sort();
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(declared);
    expect(declared).toContain('GET /openapi.json');
  });

  it('refuses to build when a declared route has no contract, naming it', () => {
    const extra: ApiFunctionSpec = { kind: 'api', name: 'export-data', entry: 'functions/api/export-data.ts', routes: [{ method: 'GET', path: '/api/v2/exports' }], timeoutSeconds: 10, memoryMb: 256, links: [] };
    expect(() => openApiDocument([...apiFunctions, extra])).toThrow('No contract for GET /api/v2/exports (function export-data)');
  });

  it('refuses a contract whose route the catalog does not declare', () => {
    expect(() => openApiDocument(apiFunctions.filter((fn) => fn.name !== 'get-customer'))).toThrow('Contracts for routes the catalog does not declare: GET /customer/{customerId}');
    expect(Object.keys(routeContracts)).toContain('GET /customer/{customerId}');
  });

  it('gives every response of every operation a JSON schema and at least one example that satisfies it', () => {
    const check = schemaValidator(committed);
    const failures: string[] = [];
    let examples = 0;
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const media = response.content['application/json'];
          const named = Object.entries(media.examples ?? {});
          if (named.length === 0) failures.push(`${method} ${path} ${status}: no example`);
          for (const [name, example] of named) {
            examples += 1;
            const problem = check(media.schema, example.value);
            if (problem) failures.push(`${method} ${path} ${status} ${name}: ${problem}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(examples).toBeGreaterThan(50);
  });

  it('describes input with the schemas the handlers parse with (the id pattern, the page bounds, the Idempotency-Key header)', () => {
    const del = paths['/customer/{customerId}']!.delete!;
    const param = (name: string) => del.parameters?.find((p) => p.name === name);
    expect(param('customerId')).toEqual({ name: 'customerId', in: 'path', required: true, schema: { type: 'string', pattern: ID_PATTERN.source } });
    expect(param('mode')).toMatchObject({ in: 'query', required: false, schema: { enum: ['soft', 'hard'], default: 'soft' } });
    expect(param('dryRun')).toMatchObject({ in: 'query', required: false, schema: { type: 'boolean', default: false } });
    expect(param('Idempotency-Key')).toMatchObject({ in: 'header', required: false, schema: { type: 'string' } });
    const size = paths['/api/v2/requests']!.get!.parameters?.find((p) => p.name === 'size');
    expect(size?.schema).toEqual({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
  });

  it('states the bearer scheme, each route its scopes, and no authentication on the public routes', () => {
    expect((committed.components as { securitySchemes: Record<string, unknown> }).securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(paths['/customer/{customerId}']!.delete).toMatchObject({ security: [{ bearer: ['customers:delete'] }] });
    expect(paths['/api/v2/customer/{customerId}/audit']!.get).toMatchObject({ security: [{ bearer: ['audit:read'] }] });
    expect(paths['/openapi.json']!.get).toMatchObject({ security: [] });
    expect(paths['/.well-known/deletion-receipt-keys.json']!.get).toMatchObject({ security: [] });
  });

  it('is served by GET /openapi.json as committed, with a cache lifetime', async () => {
    const handler = createOpenApiHandler();
    const event = apiEventFactory({ method: 'GET', routePath: '/openapi.json', path: '/openapi.json', pathParameters: {} });
    const response = (await handler(event, {} as never)) as APIGatewayProxyStructuredResultV2;
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json', 'cache-control': 'public, max-age=300' });
    expect(JSON.parse(String(response.body))).toEqual(committed);
  });
});

describe('the committed contracts', () => {
  // One process regenerates all three files and compares (openapi-typescript is ESM only: it runs under tsx, not jest).
  it('are what `npm run contracts` generates (docs/openapi.json, docs/openapi.d.ts, docs/asyncapi.json)', async () => {
    const result = await run('npx', ['tsx', 'shared/contracts/generate.ts', '--check'], { cwd: ROOT }).catch((error: { stdout: string; stderr: string }) => error);
    expect(`${result.stdout}${result.stderr}`).toContain('Contracts are up to date.');
  }, 60_000);

  it('docs/openapi.json lints clean with @redocly/cli (no error, no warning)', async () => {
    const result = await run('npx', ['@redocly/cli', 'lint', 'docs/openapi.json', '--format=summary'], {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    }).catch((error: { stdout: string; stderr: string; code: number }) => error);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('Your API description is valid');
    expect(output).not.toMatch(/\b(error|warning) [a-z0-9.-]+:/);
  }, 60_000);
});
