import { consumerOf, variablesOf } from '../../../infra/catalog';
import { chooseAdapter, type Environment } from '../../../shared/config/env';
import { disableLoginsFromEnv } from '../../../shared/workers/steps/disable-logins';
import { endSessionsFromEnv } from '../../../shared/workers/steps/end-sessions';
import { eraseLoginsFromEnv } from '../../../shared/workers/steps/erase-logins';
import { revokeDevicesFromEnv } from '../../../shared/workers/steps/revoke-devices';
import { sendEmailFromEnv } from '../../../shared/workers/steps/send-email';

/** Cold start: each step's factory reads its configuration once, from the environment it is given, and fails loudly without it. */
describe('step consumer factories', () => {
  const env: Environment = {
    TABLE_NAME: 'worker-tests-unused-table',
    MAIL_SENDER: 'Customer Deletion <no-reply@customer-deletion.test>',
    IDENTITY_PROVIDER: 'cognito:us-east-1_EXAMPLE',
    POWERTOOLS_SERVICE_NAME: 'customer-deletion-test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };

  it.each([
    ['identity', disableLoginsFromEnv],
    ['devices', revokeDevicesFromEnv],
    ['sessions', endSessionsFromEnv],
    ['email', sendEmailFromEnv],
    ['erasure', eraseLoginsFromEnv],
  ] as const)('%s builds a middy handler from exactly its declared variables', (step, fromEnv) => {
    // Prepare
    const declared = Object.fromEntries(variablesOf(consumerOf(step)).map((name) => [name, env[name]]));

    // Act
    const handler = fromEnv(declared);

    // Assess
    expect(typeof handler).toBe('function');
    expect(typeof (handler as { use?: unknown }).use).toBe('function');
  });

  it('refuses to start without TABLE_NAME', () => {
    // Act / Assess
    expect(() => revokeDevicesFromEnv({ ...env, TABLE_NAME: undefined })).toThrow('TABLE_NAME environment variable is not set');
  });

  it('refuses to start the email step without MAIL_SENDER', () => {
    // Act / Assess
    expect(() => sendEmailFromEnv({ ...env, MAIL_SENDER: undefined })).toThrow('MAIL_SENDER environment variable is not set');
  });

  it('refuses an identity provider it does not know', () => {
    // Act / Assess
    expect(() => disableLoginsFromEnv({ ...env, IDENTITY_PROVIDER: 'ldap://idp' })).toThrow("IDENTITY_PROVIDER must be 'cognito:<userPoolId>' or 'local:<file>', got 'ldap://idp'");
  });

  it('refuses to start the identity step without IDENTITY_PROVIDER', () => {
    // Act / Assess
    expect(() => disableLoginsFromEnv({ ...env, IDENTITY_PROVIDER: undefined })).toThrow('IDENTITY_PROVIDER environment variable is not set');
  });

});

describe('chooseAdapter', () => {
  const choices = {
    plain: { build: () => 'plain' },
    file: { argument: 'path', build: (path: string) => `file at ${path}` },
  };

  it.each([
    ['plain', 'plain'],
    ['file:/tmp/x', 'file at /tmp/x'],
    ['file:a:b', 'file at a:b'],
  ])('builds %j as %j', (value, expected) => {
    // Act / Assess
    expect(chooseAdapter({ IDENTITY_PROVIDER: value }, 'IDENTITY_PROVIDER', choices)).toBe(expected);
  });

  it.each(['plain:x', 'file', 'file:', 'other', 'constructor', 'toString:x'])('refuses %j, naming what is allowed', (value) => {
    // Act / Assess
    expect(() => chooseAdapter({ IDENTITY_PROVIDER: value }, 'IDENTITY_PROVIDER', choices)).toThrow(`IDENTITY_PROVIDER must be 'plain' or 'file:<path>', got '${value}'`);
  });
});
