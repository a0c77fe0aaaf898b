import * as z from 'zod';
import { v2Errors, type RouteContracts } from '../contract/operation';
import { components } from '../contract/schemas';

const document = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });
components.add(document, { id: 'OpenApiDocument', description: 'This document.' });

export const contracts: RouteContracts = {
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    description: 'Every route, both envelopes, the bearer scheme and its scopes. No authentication.',
    tag: 'public',
    scopes: null,
    responses: {
      200: { description: 'The document.', schema: document, examples: { document: { summary: 'Its head', value: { openapi: '3.1.0', info: { title: 'Customer deletion service', version: '1.0.0' }, paths: {} } } } },
      // Built in memory from the schemas: only a fault can fail it. v2Errors adds a 401 and a 503 this route cannot give.
      ...Object.fromEntries(Object.entries(v2Errors({})).filter(([status]) => status === '500')),
    },
  },
};
