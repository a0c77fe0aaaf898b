import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, consoleConfig, currentSession, loadConfig, setSession, type Session } from './api';
import { ErrorBox, useAction } from './ui';
import { CustomerView, OpsView, RequestsView, RequestView } from './views';

/** Every scope an operator's token may carry (SPEC "Identity"). */
const SCOPES = ['customers:read', 'customers:delete', 'customers:purge', 'customers:restore', 'customers:hold', 'users:delete', 'audit:read', 'ops:redrive'];

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
 * The local stack's development sign-in: choose who to be; the local issuer mints the token (a route the
 * local stack alone serves). In AWS the console signs in with the stage's issuer instead.
 */
function DevSignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [role, setRole] = useState('ADMIN');
  const [accountId, setAccountId] = useState('platform');
  const [sub, setSub] = useState('operator-1');
  const [scopes, setScopes] = useState<string[]>(SCOPES);
  const action = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void action.run(async () => {
      const { token } = await api<{ token: string }>('POST', '/console/dev/token', { sub, accountId, role, scope: scopes.join(' ') });
      onSignedIn({ token, sub, role, accountId, scopes });
      return 'Signed in.';
    });
  };
  return (
    <form class="card" onSubmit={submit} aria-labelledby="signin-title">
      <h2 id="signin-title">Development sign-in (local stack only)</h2>
      <p class="muted">The local token issuer mints a token for whoever you choose. The token stays in this tab's memory.</p>
      <div class="row">
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            <option>ADMIN</option>
            <option>MASTER</option>
            <option>RESALE</option>
          </select>
        </label>
        <label>
          Account
          <input value={accountId} onInput={(e) => setAccountId(e.currentTarget.value)} required />
        </label>
        <label>
          Subject (login)
          <input value={sub} onInput={(e) => setSub(e.currentTarget.value)} required />
        </label>
      </div>
      <fieldset>
        <legend>Scopes</legend>
        {SCOPES.map((scope) => (
          <label class="check" key={scope}>
            <input
              type="checkbox"
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes(e.currentTarget.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))}
            />
            {scope}
          </label>
        ))}
      </fieldset>
      <button type="submit" disabled={action.busy}>
        Sign in
      </button>
      {action.outcome}
    </form>
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

function App() {
  const route = useRoute();
  const [session, setLocal] = useState<Session | undefined>(currentSession());
  const signIn = (s: Session | undefined) => {
    setSession(s);
    setLocal(s);
  };
  const link = (href: string, label: string) => (
    <a href={`#${href}`} aria-current={route === href || route.startsWith(`${href}/`) ? 'page' : undefined}>
      {label}
    </a>
  );
  let view;
  if (!session) {
    view = consoleConfig().devSignIn ? (
      <DevSignIn onSignedIn={signIn} />
    ) : (
      <p class="error" role="alert">
        Sign-in with the stage's identity provider is not available in this build of the console.
      </p>
    );
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
            <button type="button" onClick={() => signIn(undefined)}>
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
loadConfig().then(
  () => show(<App />),
  (error: unknown) => show(<ErrorBox error={error} />),
);
