import { stages, validateStageConfig, withInputs, type StageConfig } from '../../../infra/config/stages';

/** The address a test production stage pages: `.test` is reserved (RFC 2606), never anyone's inbox. */
export const TEST_ALARM_EMAIL = 'oncall@customer-deletion.test';

/**
 * The production stage as a deployer configures it before the first deploy: the example values replaced
 * (here by `.test` names, which are no placeholder but reach nobody) and the alarm subscriber given at synth,
 * as `-c alarmEmails=…` does. Validated like infra/app.ts validates it.
 */
export function configuredProductionStage(): StageConfig {
  const prod = stages.prod;
  const configured: StageConfig = {
    ...prod,
    auth: {
      kind: 'oidc',
      jwksUrl: 'https://auth.customer-deletion.test/.well-known/jwks.json',
      issuer: 'https://auth.customer-deletion.test/',
      audience: 'customer-deletion-api',
      maxTokenAgeSeconds: 900,
    },
    mail: { sender: 'Customer Deletion <no-reply@customer-deletion.test>', sesIdentity: 'customer-deletion.test' },
    identity: { userPoolId: 'eu-west-1_Abc123' },
    receipts: { issuer: 'https://api.customer-deletion.test/deletion-receipts', retiredPublicKeys: [] },
  };
  const withSubscriber = withInputs(configured, { alarmEmails: TEST_ALARM_EMAIL });
  validateStageConfig(withSubscriber);
  return withSubscriber;
}
