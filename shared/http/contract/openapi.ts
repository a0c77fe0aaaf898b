import * as z from 'zod';
import { apiFunctions, type ApiFunctionSpec } from '../../../infra/catalog';
import type { OperationSpec, ResponseSpec, RouteContracts, RouteKey } from './operation';
import { routeContracts } from './routes';
import { components, gatewayError } from './schemas';

/**
 * The OpenAPI 3.1 document, built from the catalog's routes (every route it declares must have a
 * contract, and every contract a route) and the zod schemas of the contracts: the same schemas the
 * handlers parse their input with. zod 4 emits JSON Schema 2020-12, which OpenAPI 3.1 takes as is.
 */

type Json = Record<string, unknown>;

const SCOPES: Record<string, string> = {
  'customers:delete': 'v1 delete (soft)',
  'customers:purge': 'hard delete / purge now (ADMIN only)',
  'users:delete': 'v2 user delete',
  'customers:read': "read a customer's state",
  'customers:restore': 'restore a deleted customer',
  'customers:hold': 'place or release a legal hold (ADMIN only)',
  'audit:read': "read a customer's audit trail",
  'ops:redrive': 'redrive a step queue (ADMIN only)',
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Formats that say everything their generated regex says (a validator checks the format). */
const SELF_DESCRIBING_FORMATS = new Set(['date-time', 'uuid', 'email']);

/** zod's output made fit to embed: no `$schema`/`$id` per schema, no regex beside a format that says it, no ±2^53 bounds. */
function tidy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(tidy);
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [key, child] of Object.entries(value as Json)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === 'pattern' && SELF_DESCRIBING_FORMATS.has(String((value as Json).format))) continue;
    if ((key === 'minimum' || key === 'maximum') && Math.abs(Number(child)) === MAX_SAFE) continue;
    out[key] = tidy(child);
  }
  return out;
}

/** Every route may be throttled by API Gateway (stage and route limits) before its function runs. */
const THROTTLED: ResponseSpec = {
  description: "Throttled by API Gateway: retry later, with backoff.",
  schema: gatewayError,
  examples: { throttled: { summary: 'Too Many Requests', value: { message: 'Too Many Requests' } } },
};

const ref = (schema: z.core.$ZodType): Json => {
  const id = components.get(schema)?.id;
  if (!id) throw new Error('A contract response or body schema must be one of shared/http/contract/schemas.ts `components`');
  return { $ref: `#/components/schemas/${id}` };
};

/** A parameter's schema: what the handler reads after decoding (an integer page, a boolean dryRun), with its default. */
const parameterSchema = (schema: z.core.$ZodType) => tidy(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }));
/** Optional for the caller when the schema takes its absence. */
const required = (schema: z.core.$ZodType) => !z.safeParse(schema, undefined).success;

function parameters(path: string, spec: OperationSpec): Json[] {
  const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
  const declared = Object.keys(spec.params ?? {});
  if (inPath.join() !== declared.join()) throw new Error(`${spec.operationId}: path parameters ${inPath.join(', ')} but the contract declares ${declared.join(', ') || 'none'}`);
  const of = (where: 'path' | 'query' | 'header', fields: Record<string, z.core.$ZodType> | undefined) =>
    Object.entries(fields ?? {}).map(([name, schema]) => ({ name, in: where, required: where === 'path' || required(schema), schema: parameterSchema(schema) }));
  return [...of('path', spec.params), ...of('query', spec.query), ...of('header', spec.headers)];
}

function operation(path: string, spec: OperationSpec): Json {
  const params = parameters(path, spec);
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    description: spec.description,
    tags: [spec.tag],
    security: spec.scopes === null ? [] : [{ bearer: [...spec.scopes] }],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(spec.body ? { requestBody: { required: false, content: { 'application/json': { schema: ref(spec.body) } } } } : {}),
    responses: Object.fromEntries(
      Object.entries({ ...spec.responses, 429: THROTTLED }).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.headers
            ? { headers: Object.fromEntries(Object.entries(response.headers).map(([name, h]) => [name, { description: h.description, schema: { type: 'string', examples: [h.example] } }])) }
            : {}),
          content: { 'application/json': { schema: ref(response.schema), examples: response.examples } },
        },
      ]),
    ),
  };
}

/** Every route of the catalog's API functions with its contract; throws naming a route without one, or a contract without a route. */
export function openApiDocument(functions: readonly ApiFunctionSpec[] = apiFunctions, contracts: RouteContracts = routeContracts): Json {
  const paths: Record<string, Json> = {};
  const used = new Set<string>();
  for (const fn of functions) {
    for (const route of fn.routes) {
      const key: RouteKey = `${route.method} ${route.path}`;
      const spec = contracts[key];
      if (!spec) throw new Error(`No contract for ${key} (function ${fn.name}): declare it in shared/http/routes/${fn.name}.contract.ts and list it in shared/http/contract/routes.ts`);
      used.add(key);
      paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route.path, spec) };
    }
  }
  const stale = Object.keys(contracts).filter((key) => !used.has(key));
  if (stale.length > 0) throw new Error(`Contracts for routes the catalog does not declare: ${stale.join(', ')}`);
  const schemas = z.toJSONSchema(components, { io: 'output', unrepresentable: 'throw', uri: (id) => `#/components/schemas/${id}` }).schemas;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Customer deletion service',
      version: '1.0.0',
      license: { name: 'Proprietary (UNLICENSED)', identifier: 'LicenseRef-Proprietary' },
      description:
        'Authenticated, audited, atomic deletions of customers (v1) and users (v2), with an SQS cascade, retention, restore, legal holds and signed receipts. ' +
        'v1 routes answer `{ success, message, code? }`; v2 routes the `{ errorCode, errorMessage, content, pageable }` envelope. ' +
        'Generated from the zod schemas the handlers validate with: do not edit, run `npm run contracts`.',
    },
    servers: [{ url: 'http://localhost:3000', description: 'The local stack (`npm start`); in AWS, the stage\'s HTTP API endpoint.' }],
    tags: [
      { name: 'v1', description: 'Customer deletion and lifecycle, v1 envelope.' },
      { name: 'v2', description: 'User deletion, requests, receipts and audit, v2 envelope.' },
      { name: 'public', description: 'No authentication.' },
    ],
    paths,
    components: {
      schemas: tidy(schemas),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A JWT from the stage\'s issuer (asymmetric alg, exact iss and aud, exp, iat, sub, bounded age). Claims: `role` (ADMIN, MASTER, RESALE), `accountId`, and `scope`, space-separated: ' +
            Object.entries(SCOPES)
              .map(([scope, what]) => `\`${scope}\` (${what})`)
              .join(', ') +
            '. An operation\'s security requirement lists the scopes it needs.',
        },
      },
    },
  };
}
