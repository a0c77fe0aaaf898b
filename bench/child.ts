/**
 * What every bench child process (bench/service-bench.ts, bench/cutoff.ts) shares: messages to the
 * parent (bench/run.ts) over the IPC channel, its settings from the environment the parent gives it,
 * and one way to end that reports a failure instead of dying silently.
 */

/** Sends one message to the parent; resolves once it is on its way (or at once when run alone). */
export function sendToParent(message: unknown): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message as object, undefined, undefined, () => resolve());
  });
}

/** A variable the parent sets for its child. */
export function requireChildEnv(name: string, child: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (${child} is started by bench/run.ts)`);
  return value;
}

/** Runs the child's main; a failure reaches the parent as `{ kind: 'error' }` with a non-zero exit. */
export function runChild(main: () => Promise<void>): void {
  main().then(
    () => process.disconnect?.(),
    async (error: unknown) => {
      await sendToParent({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      process.exitCode = 1;
      process.disconnect?.();
    },
  );
}
