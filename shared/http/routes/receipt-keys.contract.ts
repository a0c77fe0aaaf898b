import { v2Errors, type RouteContracts } from '../contract/operation';
import { receiptJwks } from '../contract/schemas';

export const contracts: RouteContracts = {
  'GET /.well-known/deletion-receipt-keys.json': {
    operationId: 'getReceiptKeys',
    summary: 'The public keys deletion receipts verify against',
    description: 'A JWKS: the current key, then the retired ones (old receipts still verify). No authentication: anyone holding a receipt may verify it.',
    tag: 'public',
    scopes: null,
    responses: {
      200: {
        description: 'The JWKS.',
        schema: receiptJwks,
        examples: {
          jwks: {
            summary: 'One key',
            value: {
              keys: [
                {
                  kty: 'EC',
                  crv: 'P-256',
                  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
                  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
                  kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
                  alg: 'ES256',
                  use: 'sig',
                },
              ],
            },
          },
        },
      },
      // Its only failures are faults (the key unreadable): the v2 500 and 503. v2Errors adds a 401 this route cannot give.
      ...Object.fromEntries(Object.entries(v2Errors({})).filter(([status]) => status !== '401')),
    },
  },
};
