import { createOpenApiHandler } from '../../shared/http/routes/openapi';

export const handler = createOpenApiHandler();
