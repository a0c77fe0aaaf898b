import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

/** Anything thrown, as the words an operator reads: an API refusal's status, code and message, or the error's message. */
function wordsOf(error: unknown): string {
  if (error instanceof ApiError) return error.words;
  return error instanceof Error ? error.message : String(error);
}

/** An error in words, announced to screen readers. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {wordsOf(error)}
    </p>
  );
}

export function Busy({ label }: { label: string }) {
  return (
    <p role="status" class="muted">
      <progress aria-label={label} /> {label}
    </p>
  );
}

/** Loads `load()` when `key` changes; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [state, setState] = useState<{ data?: T; error?: unknown; busy: boolean }>({ busy: true });
  // Only the latest load may answer: an older one that returns late must not overwrite a newer result.
  const latest = useRef(0);
  const run = useCallback(() => {
    const mine = ++latest.current;
    setState((s) => ({ ...s, busy: true }));
    load().then(
      (data) => mine === latest.current && setState({ data, busy: false }),
      (error: unknown) => mine === latest.current && setState({ error, busy: false }),
    );
    // `key` says when to load again; `load` is a new closure on every render.
  }, [key]);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** A button that runs `action`, shows it is working, and says the outcome (or the refusal) beside it. */
export function useAction() {
  const [state, setState] = useState<{ busy: boolean; error?: unknown; done?: string }>({ busy: false });
  const run = async (action: () => Promise<string>) => {
    setState({ busy: true });
    try {
      setState({ busy: false, done: await action() });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  const outcome = (
    <div aria-live="polite">
      {state.busy ? <Busy label="Working…" /> : null}
      {state.done ? <p class="notice">{state.done}</p> : null}
      <ErrorBox error={state.error} />
    </div>
  );
  return { ...state, run, outcome };
}

export function Status({ value }: { value: string }) {
  return <span class={`status ${value}`}>{value}</span>;
}

export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([term, value]) => [<dt key={`t-${term}`}>{term}</dt>, <dd key={`d-${term}`}>{value ?? '—'}</dd>])}
    </dl>
  );
}
