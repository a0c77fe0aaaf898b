import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consoleConfig, currentSession, loadConfig, setSession, type Session } from './api';
import { beginSignIn, completeSignIn, endIssuerSession } from './sign-in';
import { ErrorBox, useAction } from './ui';
import { CustomerView, OpsView, RequestsView, RequestView } from './views';

/** Hash routes: the console is static files, so the server never sees a route. */
function useRoute(): string {
  const [hash, setHash] = useState(location.hash || '#/requests');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/requests');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1);
}

/**
 * Sign-in with the stage's issuer (authorization code + PKCE, ./sign-in.ts). Locally the issuer is the local stack's
 * authorization server, whose page is the development sign-in (role, account, scopes). The answer's refusal, if the
 * issuer gave one, is shown in words above the button.
 */
function SignIn({ refusal }: { refusal?: unknown }) {
  const signIn = consoleConfig().signIn;
  const action = useAction();
  if (!signIn) {
    return (
      <p class="error" role="alert">
        Sign-in is not configured for this stage: set console.clientId, console.authorizationEndpoint and console.tokenEndpoint in
        infra/config/stages.ts and deploy again (README "Operator console").
      </p>
    );
  }
  return (
    <section aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in</h2>
      <ErrorBox error={refusal} />
      <p class="muted">
        The console signs you in with {signIn.provider}. Your token stays in this tab's memory only.{' '}
        {signIn.logout ? 'Sign out ends your session there too.' : 'Closing the tab forgets it, but your session with the issuer may let the next sign-in in this browser through without a password.'}
      </p>
      <button type="button" disabled={action.busy} onClick={() => void action.run(async () => (await beginSignIn(signIn), 'Going to the sign-in page…'))}>
        Sign in with {signIn.provider}
      </button>
      {action.outcome}
    </section>
  );
}

function CustomerLookup() {
  const [id, setId] = useState('');
  return (
    <form
      class="row"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (id.trim()) location.hash = `#/customers/${encodeURIComponent(id.trim())}`;
      }}
    >
      <label>
        Customer id
        <input value={id} onInput={(e) => setId(e.currentTarget.value)} />
      </label>
      <button type="submit" class="secondary">
        Open customer
      </button>
    </form>
  );
}

function App({ refusal }: { refusal?: unknown }) {
  const route = useRoute();
  const [session, setLocal] = useState<Session | undefined>(currentSession());
  const [ended, setEnded] = useState<unknown>(refusal);
  const signIn = (s: Session | undefined) => {
    setSession(s);
    setLocal(s);
  };
  const signOut = () => {
    signIn(undefined);
    setEnded(undefined);
    const config = consoleConfig().signIn;
    if (config) endIssuerSession(config);
  };
  // The token's end is the session's: sign out then, and say so, rather than let every call fail with a 401.
  useEffect(() => {
    if (session?.expiresAt === undefined) return;
    // setTimeout fires at once when asked to wait past 2^31-1 ms (~24.8 days): a longer-lived token's tab is
    // signed out after that long instead.
    const timer = setTimeout(() => {
      signIn(undefined);
      setEnded(new Error('Your session ended: the access token expired. Sign in again.'));
    }, Math.min(Math.max(0, session.expiresAt - Date.now()), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [session]);
  const link = (href: string, label: string) => (
    <a href={`#${href}`} aria-current={route === href || route.startsWith(`${href}/`) ? 'page' : undefined}>
      {label}
    </a>
  );
  let view;
  if (!session) {
    view = <SignIn refusal={ended} />;
  } else if (route.startsWith('/requests/')) view = <RequestView requestId={decodeURIComponent(route.slice('/requests/'.length))} />;
  else if (route.startsWith('/customers/')) view = <CustomerView customerId={decodeURIComponent(route.slice('/customers/'.length))} />;
  else if (route === '/ops') view = <OpsView />;
  else view = <RequestsView />;
  return (
    <>
      <header>
        <h1>Customer deletion — operator console</h1>
        {session ? (
          <nav aria-label="Views">
            {link('/requests', 'Requests')}
            {link('/ops', 'Operations')}
          </nav>
        ) : null}
        {session ? (
          <span class="who">
            {session.sub} ({session.role}, {session.accountId}){' '}
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main>
        {session ? <CustomerLookup /> : null}
        {view}
      </main>
    </>
  );
}

const root = document.getElementById('app') as HTMLElement;
// The page's "Loading…" line goes: render() adds to a container, it does not replace what is there.
const show = (view: Parameters<typeof render>[0]) => {
  root.textContent = '';
  render(view, root);
};
/** The configuration first; then, if this load is the issuer's answer, the session it brings (or its refusal). */
async function start(): Promise<unknown> {
  const config = await loadConfig();
  if (!config.signIn) return undefined;
  try {
    setSession(await completeSignIn(config.signIn));
    return undefined;
  } catch (refusal) {
    return refusal;
  }
}
start().then(
  (refusal) => show(<App refusal={refusal} />),
  (error: unknown) => show(<ErrorBox error={error} />),
);
