import { ApiError, type Session } from './api';
import type { SignInConfig } from './config';

/**
 * The console's sign-in: OAuth 2.0 authorization code with PKCE (RFC 7636, S256), the flow a public browser client
 * is meant to use, against the stage's issuer in AWS and the local authorization server locally (the same code runs
 * in both). The access token is kept in memory only (api.ts). What must survive the trip to the issuer and back (the
 * verifier, the state, the view to return to) waits in sessionStorage, this tab's only, and is removed as soon as
 * the issuer answers: no token is ever stored.
 */

const PENDING_KEY = 'console.pending-sign-in';

interface PendingSignIn {
  verifier: string;
  state: string;
  redirectUri: string;
  returnTo: string;
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const randomText = (bytes: number) => base64url(crypto.getRandomValues(new Uint8Array(bytes)));

/**
 * The page itself, without query or hash: the redirect URI registered for the console's client. The page answers at
 * its directory and at `index.html` in it (CloudFront's default root object, the local stack's file); the registered
 * URI is the directory's, so `index.html` is dropped.
 */
const redirectUri = () => `${location.origin}${location.pathname.replace(/index\.html$/, '')}`;

/** Sends the browser to the issuer's authorization endpoint; it comes back to this page with `?code=…&state=…`. */
export async function beginSignIn(config: SignInConfig): Promise<void> {
  const verifier = randomText(32);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending: PendingSignIn = { verifier, state: randomText(16), redirectUri: redirectUri(), returnTo: location.hash };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const target = new URL(config.authorizationEndpoint, location.href);
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: pending.redirectUri,
    scope: config.scope,
    state: pending.state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  if (config.audience !== undefined) params.audience = config.audience;
  // Added to the endpoint's own query, which must be kept (RFC 6749 §3.1; e.g. an Azure AD B2C policy).
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, value);
  location.assign(target.toString());
}

/**
 * Ends the issuer's session too, when the stage names its logout endpoint: forgetting the token alone would let the
 * next "Sign in" in this browser through as the same operator, without a password. The issuer sends the browser back
 * to the console's page (Cognito's `logout_uri`, OIDC RP-initiated logout's `post_logout_redirect_uri`).
 */
export function endIssuerSession(config: SignInConfig): boolean {
  if (!config.logout) return false;
  const target = new URL(config.logout.endpoint, location.href);
  target.searchParams.set('client_id', config.clientId);
  target.searchParams.set(config.logout.returnParameter, redirectUri());
  location.assign(target.toString());
  return true;
}

const refused = (message: string) => new ApiError(0, 'SIGN_IN', message);

/**
 * When this page load is the issuer's answer: the signed-in session (after trading the code for a token), or the
 * refusal in words. Otherwise (an ordinary load) undefined. Either way the answer leaves the address bar, so a reload
 * or a bookmark never replays it.
 */
export async function completeSignIn(config: SignInConfig): Promise<Session | undefined> {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return undefined;
  const stored = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  let pending: PendingSignIn | undefined;
  try {
    pending = stored === null ? undefined : (JSON.parse(stored) as PendingSignIn);
  } catch {
    pending = undefined;
  }
  history.replaceState(null, '', `${location.pathname}${pending?.returnTo ?? ''}`);

  // The state ties the answer, a refusal as much as a code, to a sign-in this tab started: anything else may be
  // someone else's code (CSRF) or words an attacker wrote, so it is refused without repeating what it says.
  if (pending === undefined || answer.get('state') !== pending.state) {
    throw refused('This sign-in answer does not belong to a sign-in started in this tab (its state differs). Sign in again.');
  }
  const error = answer.get('error');
  if (error !== null) {
    const description = answer.get('error_description');
    throw refused(`The identity provider did not sign you in: ${error}${description ? ` (${description})` : ''}.`);
  }
  let response: Response;
  try {
    response = await fetch(new URL(config.tokenEndpoint, location.href), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: answer.get('code') ?? '',
        redirect_uri: pending.redirectUri,
        client_id: config.clientId,
        code_verifier: pending.verifier,
      }),
    });
  } catch {
    throw refused('The identity provider\'s token endpoint could not be reached (network error). Sign in again.');
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown; error_description?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error === 'string' ? `${body.error}${typeof body.error_description === 'string' ? ` (${body.error_description})` : ''}` : `status ${response.status}`;
    throw refused(`The identity provider did not give the console a token: ${reason}. Sign in again.`);
  }
  return sessionFrom(body.access_token);
}

/**
 * Who the token says the operator is, for the page's header and its choices. The page does not trust this for
 * anything: the API verifies the token on every call. A scope's resource-server prefix (Cognito's
 * `<resourceServer>/customers:read`) is dropped, so both issuer kinds read alike.
 */
function sessionFrom(token: string): Session {
  let claims: Record<string, unknown>;
  try {
    const payload = token.split('.')[1] ?? '';
    // atob gives one character per byte: the bytes are UTF-8, so a login or account outside ASCII reads as written.
    const bytes = Uint8Array.from(atob(payload.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw refused('The identity provider\'s access token is not a JWT; the API would refuse it. Ask the administrator to check the console\'s client.');
  }
  const text = (name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : '');
  const missing = ['sub', 'role', 'accountId'].filter((name) => text(name) === '');
  if (missing.length > 0) {
    throw refused(`The access token carries no ${missing.join(', ')}: the API would refuse it. (A Cognito stage adds role and accountId with its pre-token-generation trigger; README "Cognito as the issuer".)`);
  }
  const scopes = text('scope')
    .split(' ')
    .filter((s) => s !== '' && s !== 'openid')
    .map((s) => s.slice(s.lastIndexOf('/') + 1));
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
  return { token, sub: text('sub'), role: text('role'), accountId: text('accountId'), scopes, ...(exp !== undefined ? { expiresAt: exp } : {}) };
}
