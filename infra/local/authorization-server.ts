import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLoginRecord } from '../../shared/adapters/identity/local-identity-provider';
import { ROLES } from '../../shared/domain/authorization';
import { OPERATOR_SCOPES } from '../../shared/domain/operator-scopes';
import { readBody } from './api-gateway';
import { CONSOLE_SECURITY_HEADERS } from './console-build';
import { loadOrCreateSigningKey, mintToken } from './token-issuer';

type StoredKey = Awaited<ReturnType<typeof loadOrCreateSigningKey>>;

/**
 * The local stack's OAuth 2.0 authorization server for the operator console: the authorization-code grant with PKCE
 * (RFC 6749 §4.1, RFC 7636, S256 only), the same flow the console runs against the stage's issuer in AWS, so the
 * console's sign-in code is the one the browser test drives. Its sign-in page is the development sign-in: it lets you
 * choose role, account, login and scopes, and the local token issuer mints the access token. It exists in the local
 * stack only.
 *
 * - `GET /oauth2/authorize`: checks the client and its redirect URI (a bad one gets an error page, never a redirect),
 *   then the PKCE challenge (a bad one is sent back to the client as `error=invalid_request`), and shows the page.
 * - `POST /oauth2/authorize`: the page's answer: a one-time code (60 s) bound to the client, the redirect URI, the
 *   challenge and the chosen identity, sent back with the client's `state`; or `error=access_denied`.
 * - `POST /oauth2/token`: the code for an access token, once, with the verifier whose SHA-256 is the challenge.
 * - `GET /oauth2/logout`: RP-initiated logout's shape (`client_id`, `post_logout_redirect_uri`); no session is kept
 *   here, so it only checks the client and sends the browser back.
 *
 * Only requests addressed to this machine's loopback names are served (DNS rebinding).
 */

/** The console's client id in the local stack: its config.json names it, and it is the only client registered here. */
export const LOCAL_CONSOLE_CLIENT_ID = 'operator-console-local';
/** The one redirect URI the client may use, on whatever host and port the stack answers: the console's own page. */
const CONSOLE_PATH = '/console/';
export const AUTHORIZE_PATH = '/oauth2/authorize';
export const TOKEN_PATH = '/oauth2/token';
export const LOGOUT_PATH = '/oauth2/logout';
/** `Host` as a browser on this machine sends it: the loopback names, with the stack's port. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/;

/** A code is short-lived (RFC 6749 §4.1.2 recommends at most 10 minutes) and used once. */
const CODE_TTL_MS = 60_000;
const ACCESS_TOKEN_TTL_SECONDS = 900;
const MAX_FORM_BYTES = 8192;


/** RFC 7636 §4.1: 43 to 128 unreserved characters; §4.2: the S256 challenge is 43 base64url characters. */
const VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

interface DevIdentity {
  sub: string;
  accountId: string;
  role: string;
  scope: string;
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  identity: DevIdentity;
  expiresAt: number;
}

/** The request's parameters of an authorization request, checked in RFC 6749's order. */
interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  challenge: string;
  scope: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sha256Base64url(text: string): string {
  return createHash('sha256').update(text, 'ascii').digest('base64url');
}

/**
 * The identity the page's form chose, or what is wrong with it in words. Every role and scope must be the service's:
 * a typo is refused here rather than minted into a token every route then refuses.
 */
function devIdentityFrom(form: URLSearchParams): DevIdentity | string {
  const text = (value: string | null) => (value !== null && value.trim() !== '' && value.length <= 128 ? value.trim() : undefined);
  const sub = text(form.get('sub'));
  const accountId = text(form.get('accountId'));
  if (!sub || !accountId) return 'sub and accountId are required (1-128 characters)';
  const role = text(form.get('role'));
  if (role === undefined || !ROLES.includes(role)) return `role must be one of ${ROLES.join(', ')}`;
  // `openid` is OpenID Connect's own scope, asked for by any OIDC client; the token carries the service's scopes only.
  const scopes = form.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '' && s !== 'openid');
  const unknown = scopes.filter((s) => !OPERATOR_SCOPES.includes(s));
  if (unknown.length > 0) return `scope must be scopes of ${OPERATOR_SCOPES.join(', ')}; unknown: ${unknown.join(', ')}`;
  return { sub, accountId, role, scope: [...new Set(scopes)].join(' ') };
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const body = await readBody(req, MAX_FORM_BYTES);
  return body === undefined ? undefined : new URLSearchParams(body.toString('utf8'));
}

export function authorizationServerRoutes(options: { signingKey: StoredKey; loginRecordFile: string; now?: () => number }) {
  const now = options.now ?? Date.now;
  const codes = new Map<string, IssuedCode>();

  const send = (res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...CONSOLE_SECURITY_HEADERS, ...headers });
    res.end(body);
  };
  /** RFC 6749 §5.2: a token request's refusal. */
  const tokenError = (res: ServerResponse, status: number, error: string, description: string) =>
    send(res, status, 'application/json', JSON.stringify({ error, error_description: description }), { pragma: 'no-cache' });
  /** An error the client must see on this server's page: its redirect URI cannot be trusted, so nothing is sent there. */
  const errorPage = (res: ServerResponse, status: number, message: string) =>
    send(res, status, 'text/html; charset=utf-8', page('Sign-in refused', `<p class="error" role="alert">${escapeHtml(message)}</p>`));
  /** Back to the client (RFC 6749 §4.1.2): its code, or an error code and its description, with its `state`. */
  const redirect = (res: ServerResponse, redirectUri: string, params: Record<string, string>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries(params)) if (value !== '') target.searchParams.set(name, value);
    res.writeHead(303, { location: target.toString(), 'cache-control': 'no-store', ...CONSOLE_SECURITY_HEADERS });
    res.end();
  };
  const disabledBy = (sub: string): string | undefined => readLoginRecord(options.loginRecordFile).disabled[sub]?.requestId;

  /** The registered client and one of its redirect URIs (this stack's console page), or what is wrong, for an error page. */
  function checkClient(params: URLSearchParams, host: string, redirectParameter: string): { page: string } | { clientId: string; redirectUri: string } {
    const clientId = params.get('client_id') ?? '';
    if (clientId !== LOCAL_CONSOLE_CLIENT_ID) return { page: `Unknown client_id: this server knows one client, ${LOCAL_CONSOLE_CLIENT_ID} (the operator console).` };
    const redirectUri = params.get(redirectParameter) ?? '';
    let target: URL | undefined;
    try {
      target = new URL(redirectUri);
    } catch {
      target = undefined;
    }
    if (!target || target.protocol !== 'http:' || target.host !== host || target.pathname !== CONSOLE_PATH || target.search !== '' || target.hash !== '') {
      return { page: `${redirectParameter} must be this stack's console page, http://${host}${CONSOLE_PATH}, exactly.` };
    }
    return { clientId, redirectUri };
  }

  /** The client and its redirect URI first (errors shown here), then the rest (errors sent to the client). */
  function checkRequest(params: URLSearchParams, host: string): { page: string } | { redirect: string; error: string } | AuthorizationRequest {
    const client = checkClient(params, host, 'redirect_uri');
    if ('page' in client) return client;
    const { clientId, redirectUri } = client;
    const state = params.get('state') ?? '';
    const fail = (description: string) => ({ redirect: redirectUri, error: description });
    if (params.get('response_type') !== 'code') return fail('response_type must be code');
    if (params.get('code_challenge_method') !== 'S256') return fail('code_challenge_method must be S256 (PKCE is required; plain is not accepted)');
    const challenge = params.get('code_challenge') ?? '';
    if (!CHALLENGE.test(challenge)) return fail('code_challenge must be the base64url SHA-256 of the code verifier (43 characters)');
    return { clientId, redirectUri, state, challenge, scope: params.get('scope') ?? '' };
  }

  function signInPage(request: AuthorizationRequest): string {
    const requested = request.scope.split(' ').filter((s) => OPERATOR_SCOPES.includes(s));
    const chosen = requested.length > 0 ? requested : OPERATOR_SCOPES;
    const hidden = (name: string, value: string) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}" />`;
    return page(
      'Development sign-in (local stack only)',
      `<form class="card" method="post" action="${AUTHORIZE_PATH}" aria-labelledby="signin-title">
  <h2 id="signin-title">Development sign-in (local stack only)</h2>
  <p class="muted">The local token issuer mints an access token for whoever you choose, and sends the console back a one-time code for it (authorization code with PKCE, as the stage's issuer does in AWS).</p>
  ${hidden('client_id', request.clientId)}${hidden('redirect_uri', request.redirectUri)}${hidden('state', request.state)}${hidden('code_challenge', request.challenge)}${hidden('code_challenge_method', 'S256')}${hidden('response_type', 'code')}
  <div class="row">
    <label>Role <select name="role">${ROLES.map((r) => `<option${r === 'ADMIN' ? ' selected' : ''}>${r}</option>`).join('')}</select></label>
    <label>Account <input name="accountId" value="platform" required /></label>
    <label>Subject (login) <input name="sub" value="operator-1" required /></label>
  </div>
  <fieldset><legend>Scopes</legend>
    ${OPERATOR_SCOPES.map((s) => `<label class="check"><input type="checkbox" name="scope" value="${s}"${chosen.includes(s) ? ' checked' : ''} /> ${s}</label>`).join('\n    ')}
  </fieldset>
  <div class="row">
    <button type="submit" name="decision" value="allow">Sign in</button>
    <button type="submit" name="decision" value="deny" class="secondary">Cancel</button>
  </div>
</form>`,
    );
  }

  function issueCode(request: AuthorizationRequest, identity: DevIdentity): string {
    const at = now();
    for (const [code, issued] of codes) if (issued.expiresAt <= at) codes.delete(code);
    const code = randomBytes(32).toString('base64url');
    codes.set(code, { clientId: request.clientId, redirectUri: request.redirectUri, challenge: request.challenge, identity, expiresAt: at + CODE_TTL_MS });
    return code;
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = await readForm(req);
    if (form === undefined) return tokenError(res, 413, 'invalid_request', 'The request body is too large');
    if (form.get('grant_type') !== 'authorization_code') return tokenError(res, 400, 'unsupported_grant_type', 'grant_type must be authorization_code');
    const code = form.get('code') ?? '';
    const issued = codes.get(code);
    // Used once: whatever happens next, this code is spent (RFC 6749 §4.1.2).
    codes.delete(code);
    if (!issued || issued.expiresAt <= now()) return tokenError(res, 400, 'invalid_grant', 'The code is unknown, expired or already used');
    if (form.get('client_id') !== issued.clientId) return tokenError(res, 400, 'invalid_grant', 'The code was issued to another client');
    if (form.get('redirect_uri') !== issued.redirectUri) return tokenError(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request\'s');
    const verifier = form.get('code_verifier') ?? '';
    if (!VERIFIER.test(verifier)) return tokenError(res, 400, 'invalid_request', 'code_verifier must be 43-128 unreserved characters (RFC 7636)');
    if (sha256Base64url(verifier) !== issued.challenge) return tokenError(res, 400, 'invalid_grant', 'code_verifier does not match the code challenge');
    const { identity } = issued;
    const requestId = disabledBy(identity.sub);
    if (requestId) return tokenError(res, 400, 'invalid_grant', `Login ${identity.sub} was disabled by deletion request ${requestId}; no token minted`);
    const accessToken = await mintToken(options.signingKey, { sub: identity.sub, accountId: identity.accountId, role: identity.role, scope: identity.scope, ttlSeconds: ACCESS_TOKEN_TTL_SECONDS });
    send(res, 200, 'application/json', JSON.stringify({ access_token: accessToken, token_type: 'Bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS, scope: identity.scope }), { pragma: 'no-cache' });
  }

  return async (req: IncomingMessage, res: ServerResponse, method: string, pathname: string): Promise<boolean> => {
    if (pathname !== AUTHORIZE_PATH && pathname !== TOKEN_PATH && pathname !== LOGOUT_PATH) return false;
    // This machine's names only: a page on another name that resolves here (DNS rebinding) must not run the flow
    // and mint itself a token for the stack beside it.
    const host = req.headers.host ?? '';
    if (!LOOPBACK_HOST.test(host)) return errorPage(res, 421, 'The local issuer answers on this machine\'s own names only (127.0.0.1, localhost, [::1]).'), true;
    if (pathname === LOGOUT_PATH && method === 'GET') {
      // No session is kept here (every sign-in shows the page), so a logout only checks the client and goes back.
      const client = checkClient(new URL(req.url ?? '/', 'http://localhost').searchParams, host, 'post_logout_redirect_uri');
      if ('page' in client) return errorPage(res, 400, client.page), true;
      redirect(res, client.redirectUri, {});
      return true;
    }
    if (pathname === TOKEN_PATH && method === 'POST') {
      await token(req, res);
      return true;
    }
    if (pathname !== AUTHORIZE_PATH || (method !== 'GET' && method !== 'POST')) return false;
    let params: URLSearchParams;
    if (method === 'GET') params = new URL(req.url ?? '/', 'http://localhost').searchParams;
    else {
      const form = await readForm(req);
      if (form === undefined) return errorPage(res, 413, 'The sign-in form is too large.'), true;
      params = form;
    }
    const request = checkRequest(params, host);
    if ('page' in request) return errorPage(res, 400, request.page), true;
    if ('redirect' in request) return redirect(res, request.redirect, { error: 'invalid_request', error_description: request.error, state: params.get('state') ?? '' }), true;
    if (method === 'GET') return send(res, 200, 'text/html; charset=utf-8', signInPage(request)), true;

    if (params.get('decision') !== 'allow') return redirect(res, request.redirectUri, { error: 'access_denied', error_description: 'The sign-in was cancelled', state: request.state }), true;
    const identity = devIdentityFrom(params);
    if (typeof identity === 'string') return redirect(res, request.redirectUri, { error: 'invalid_request', error_description: identity, state: request.state }), true;
    const requestId = disabledBy(identity.sub);
    if (requestId) {
      return redirect(res, request.redirectUri, { error: 'access_denied', error_description: `Login ${identity.sub} was disabled by deletion request ${requestId}`, state: request.state }), true;
    }
    redirect(res, request.redirectUri, { code: issueCode(request, identity), state: request.state });
    return true;
  };
}

/** The sign-in page around `body`, styled by the console's own stylesheet (the CSP allows no inline style or script). */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} — customer deletion</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="/console/app.css" />
  </head>
  <body>
    <header><h1>Customer deletion — local issuer</h1></header>
    <main>
${body}
    </main>
  </body>
</html>
`;
}
