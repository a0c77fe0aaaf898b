import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { createPreTokenGenerationHandler, type TriggerLog } from '../../../shared/auth/pre-token-generation';

const POOL_ID = 'eu-west-1_TeStPoOl1';
const CLIENT_ID = '1example23456789abcdefghij';
const SUB = 'a1b2c3d4-0000-4000-8000-000000000001';
const EMAIL = 'someone@example.invalid';

type TriggerSource = PreTokenGenerationV2TriggerEvent['triggerSource'];

/**
 * The event Cognito sends a V2_0 pre-token-generation trigger (all values fake): the common trigger
 * fields, the user's attributes (custom ones `custom:`-prefixed, every value a string), the groups,
 * the scopes being granted, and a response whose `claimsAndScopeOverrideDetails` is null.
 */
function v2Event(
  overrides: { triggerSource?: TriggerSource; userAttributes?: Record<string, string | undefined>; clientMetadata?: Record<string, string>; scopes?: string[] } = {},
): PreTokenGenerationV2TriggerEvent {
  const userAttributes = Object.fromEntries(
    Object.entries({
      sub: SUB,
      'cognito:user_status': 'CONFIRMED',
      email_verified: 'true',
      email: EMAIL,
      'custom:role': 'RESALE',
      'custom:accountId': 'reseller-7',
      ...overrides.userAttributes,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return {
    version: '2',
    triggerSource: overrides.triggerSource ?? 'TokenGeneration_HostedAuth',
    region: 'eu-west-1',
    userPoolId: POOL_ID,
    // With email sign-in the user name can be the address: it must never reach a log line.
    userName: EMAIL,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: CLIENT_ID },
    request: {
      userAttributes,
      groupConfiguration: { groupsToOverride: ['resellers'], iamRolesToOverride: [], preferredRole: undefined },
      scopes: overrides.scopes ?? ['openid', 'email', 'customer-deletion/customers:delete'],
      ...(overrides.clientMetadata ? { clientMetadata: overrides.clientMetadata } : {}),
    },
    // What Cognito actually sends; the type says the object is always there.
    response: { claimsAndScopeOverrideDetails: null as unknown as PreTokenGenerationV2TriggerEvent['response']['claimsAndScopeOverrideDetails'] },
  } as PreTokenGenerationV2TriggerEvent;
}

describe('pre-token-generation trigger (V2_0)', () => {
  let warnings: { message: string; fields: Record<string, unknown> }[];
  let handler: ReturnType<typeof createPreTokenGenerationHandler>;

  beforeEach(() => {
    warnings = [];
    const log: TriggerLog = { warn: (message, fields) => warnings.push({ message, fields }) };
    handler = createPreTokenGenerationHandler(log);
  });

  it.each<TriggerSource>(['TokenGeneration_HostedAuth', 'TokenGeneration_Authentication', 'TokenGeneration_NewPasswordChallenge', 'TokenGeneration_AuthenticateDevice', 'TokenGeneration_RefreshTokens'])(
    '%s: adds role and accountId to the access token and the ID token',
    async (triggerSource) => {
      // Act
      const result = await handler(v2Event({ triggerSource }));

      // Assess
      expect(result.response.claimsAndScopeOverrideDetails).toEqual({
        idTokenGeneration: { claimsToAddOrOverride: { role: 'RESALE', accountId: 'reseller-7' } },
        accessTokenGeneration: { claimsToAddOrOverride: { role: 'RESALE', accountId: 'reseller-7' } },
      });
      expect(warnings).toEqual([]);
    },
  );

  it('leaves groups and scopes as Cognito set them, and returns the event it was given', async () => {
    // Prepare
    const event = v2Event();

    // Act
    const result = await handler(event);

    // Assess
    expect(result).toBe(event);
    const details = result.response.claimsAndScopeOverrideDetails;
    expect(details.groupOverrideDetails).toBeUndefined();
    expect(details.accessTokenGeneration?.scopesToAdd).toBeUndefined();
    expect(details.accessTokenGeneration?.scopesToSuppress).toBeUndefined();
    expect(details.accessTokenGeneration?.claimsToSuppress).toBeUndefined();
  });

  it('takes the claims from the user’s attributes only, never from the caller’s clientMetadata', async () => {
    // Prepare
    const event = v2Event({ userAttributes: { 'custom:role': 'MASTER' }, clientMetadata: { role: 'ADMIN', accountId: 'someone-else', 'custom:role': 'ADMIN' } });

    // Act
    const result = await handler(event);

    // Assess
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'MASTER', accountId: 'reseller-7' });
  });

  it('keeps what an earlier customization put in the response', async () => {
    // Prepare
    const event = v2Event();
    event.response.claimsAndScopeOverrideDetails = { accessTokenGeneration: { claimsToAddOrOverride: { tenant: 't-1' }, scopesToSuppress: ['email'] } };

    // Act
    const result = await handler(event);

    // Assess
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration).toEqual({
      claimsToAddOrOverride: { tenant: 't-1', role: 'RESALE', accountId: 'reseller-7' },
      scopesToSuppress: ['email'],
    });
  });

  it.each([
    ['no role attribute', { 'custom:role': undefined }, { accountId: 'reseller-7' }, ['custom:role']],
    ['an empty account attribute', { 'custom:accountId': '' }, { role: 'RESALE' }, ['custom:accountId']],
    ['neither attribute', { 'custom:role': undefined, 'custom:accountId': undefined }, {}, ['custom:role', 'custom:accountId']],
  ])('with %s: still issues the tokens, without that claim (this API refuses them), and says so in a log line without the user name', async (_case, userAttributes, expected, missing) => {
    // Act
    const result = await handler(v2Event({ userAttributes }));

    // Assess
    expect(result.response.claimsAndScopeOverrideDetails.accessTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(result.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride).toEqual(expected);
    expect(warnings).toEqual([
      { message: 'token issued without the claims this API requires', fields: { triggerSource: 'TokenGeneration_HostedAuth', userPoolId: POOL_ID, clientId: CLIENT_ID, sub: SUB, missing } },
    ]);
    expect(JSON.stringify(warnings)).not.toContain(EMAIL);
  });

  describe('custom:scopes: this API\'s scopes for one user, where Cognito grants per app client', () => {
    const requested = ['openid', 'customer-deletion/customers:read', 'customer-deletion/customers:delete', 'customer-deletion/ops:redrive', 'reports/customers:read', 'email'];

    it('suppresses the requested scopes of this API the user\'s attribute does not grant, and nothing else', async () => {
      const event = await handler(v2Event({ scopes: requested, userAttributes: { 'custom:scopes': 'customers:read  audit:read' } }));

      expect(event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual(['customer-deletion/customers:delete', 'customer-deletion/ops:redrive']);
      // The claims are added as before.
      expect(event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.claimsToAddOrOverride).toEqual({ role: 'RESALE', accountId: 'reseller-7' });
    });

    it('suppresses every scope named like an operator scope (whatever its resource server) for an attribute that grants none, and keeps an earlier suppression', async () => {
      const event = v2Event({ scopes: requested, userAttributes: { 'custom:scopes': '' } });
      event.response.claimsAndScopeOverrideDetails = { accessTokenGeneration: { scopesToSuppress: ['email'] } };

      const answered = await handler(event);

      expect(answered.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toEqual([
        'email',
        'customer-deletion/customers:read',
        'customer-deletion/customers:delete',
        'customer-deletion/ops:redrive',
        'reports/customers:read',
      ]);
    });

    it('leaves the app client\'s grant as it is for a user without the attribute', async () => {
      const event = await handler(v2Event({ scopes: requested }));

      expect(event.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToSuppress).toBeUndefined();
    });
  });
});
