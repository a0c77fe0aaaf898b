import { jsonResponse } from '../error-mapping';
import { httpHandler } from '../middleware';
import { openApiDocument } from '../contract/openapi';

/**
 * `GET /openapi.json` (no authentication): the OpenAPI document, built from the catalog and the
 * route contracts once per cold start, on the first request (building at import would be a side
 * effect of loading the module).
 */
export function createOpenApiHandler(build: () => Record<string, unknown> = openApiDocument) {
  let document: Record<string, unknown> | undefined;
  return httpHandler('v2', async () => {
    document ??= build();
    return jsonResponse(200, document, { 'cache-control': 'public, max-age=300' });
  });
}
