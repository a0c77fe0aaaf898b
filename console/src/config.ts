/**
 * What the console reads at start from its config.json: the local stack serves one (infra/local/console.ts), and in
 * AWS the console stack writes the stage's at deploy time (infra/stacks/console-stack.ts). Types only, so the CDK app
 * and the local stack import the same shape the page reads.
 */
export interface ConsoleConfig {
  /** The API's base URL; empty: the console's own origin (the local stack serves both). */
  apiUrl: string;
  /** The OIDC sign-in (authorization code + PKCE); absent when the stage configures none (the page says what to set). */
  signIn?: SignInConfig;
}

export interface SignInConfig {
  /** The issuer's authorization endpoint (absolute, or a path on the console's origin locally). */
  authorizationEndpoint: string;
  /** Its token endpoint: the page posts the code and verifier there (the CSP lets it connect). */
  tokenEndpoint: string;
  /** The console's client at the issuer: a public client (no secret), its redirect URI the console's page. */
  clientId: string;
  /** The scopes to ask for, space-separated (a Cognito stage's carry the resource server's prefix). */
  scope: string;
  /** `audience` for issuers that need one to mint an access token for an API (Auth0); absent otherwise. */
  audience?: string;
  /** Who signs the operator in, in words: "Sign in with …". */
  provider: string;
  /** The issuer's logout endpoint, so that "Sign out" ends the issuer's session too; absent: the console forgets its token only. */
  logout?: {
    endpoint: string;
    /** The parameter naming where to come back: Cognito's `logout_uri`, OIDC RP-initiated logout's `post_logout_redirect_uri`. */
    returnParameter: 'logout_uri' | 'post_logout_redirect_uri';
  };
}
