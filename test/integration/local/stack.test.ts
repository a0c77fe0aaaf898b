import { defaultSeedFile } from '../../../infra/local/local-config';
import { startLocalStack, type LocalStack } from '../../../infra/local/stack';
import { loadOrCreateSigningKey, mintToken } from '../../../infra/local/token-issuer';
import { spyLog } from '../../unit/local/factories';
import { uniqueName } from '../support/emulators';
import { waitForMailTo } from '../support/mail';
import { httpRequest } from './http-client';

/**
 * The whole local stack in this process, on the run's shared emulators: JWKS, a real DELETE
 * through the API Gateway emulation to the real handler, the cascade to the SES emulator, and stop().
 * One stack per test file: it sets process.env and loads the handler modules.
 */

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: the integration global setup exports it`);
  return value;
}

describe('startLocalStack on the shared emulators', () => {
  const log = spyLog();
  let stack: LocalStack | undefined;

  beforeAll(async () => {
    const name = uniqueName('stack');
    stack = await startLocalStack({
      port: 0,
      seed: defaultSeedFile,
      dynamoEndpoint: requiredEnv('AWS_ENDPOINT_URL_DYNAMODB'),
      sqsEndpoint: requiredEnv('AWS_ENDPOINT_URL_SQS'),
      tableName: name,
      queuePrefix: `${name}-`,
      log,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  function running(): LocalStack {
    if (!stack) throw new Error('the stack did not start');
    return stack;
  }

  it('serves its JWKS: one key, with a kid, and no private member', async () => {
    const response = await httpRequest(`${running().url}/.well-known/jwks.json`);

    expect(response.status).toBe(200);
    const jwks = JSON.parse(response.text) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', kid: expect.any(String), alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(running().env.JWKS_URL).toBe(`${running().url}/.well-known/jwks.json`);
  });

  it('deletes a demo customer over HTTP with a locally minted token, and the cascade sends its notice to the SES emulator', async () => {
    // Prepare
    const token = await mintToken(await loadOrCreateSigningKey(), { sub: 'reseller-acme', accountId: 'reseller-acme', role: 'RESALE', scope: 'customers:delete' });

    // Act: exactly what the printed curl sends (a JSON content type and no body)
    const response = await httpRequest(`${running().url}/customer/cust-1001`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });

    // Assess
    expect(response.status).toBe(200);
    const body = JSON.parse(response.text) as Record<string, unknown>;
    expect(body).toEqual({ success: true, message: 'Customer deleted successfully', deletedAt: expect.any(String), requestId: expect.any(String), purgeAfter: expect.any(String) });
    expect(new Date(body.deletedAt as string).toISOString()).toBe(body.deletedAt);
    expect(body.requestId).not.toBe('');
    const [notice] = await waitForMailTo(running().sesEndpoint, 'alice@customer.example');
    expect(notice).toMatchObject({ from: running().env.MAIL_SENDER, subject: 'Your customer account has been deleted' });
    expect(notice?.text).toContain('cust-1001');
  });

  it('answers 401 to a request without a token, through the real handler', async () => {
    const response = await httpRequest(`${running().url}/customer/cust-1002`, { method: 'DELETE' });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain('Bearer');
  });

  it('says at GET /health that all three emulators answer and the API is up, and that it must not be cached', async () => {
    const response = await httpRequest(`${running().url}/health`);

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(response.text)).toEqual({ ok: true, dynamodb: 'up', sqs: 'up', ses: 'up', api: 'up' });
  });

  it('stops: the HTTP port and its SES emulator are closed afterwards', async () => {
    const { url, sesEndpoint } = running();

    await expect(running().stop()).resolves.toBeUndefined();
    stack = undefined;

    await expect(httpRequest(`${url}/.well-known/jwks.json`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(httpRequest(`${sesEndpoint}/health-check`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
