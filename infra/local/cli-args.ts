import { parseArgs } from 'node:util';

/**
 * The one argument parser every local CLI uses (`npm start`, `npm run token`, `npm run redrive`,
 * `npm run receipt`), so they all answer `--help` with their usage and exit 0, and a bad option
 * with one line naming it, the usage, and a non-zero exit: never a stack trace.
 */

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: false };

export interface Command<O extends Record<string, OptionSpec>> {
  /** How the user typed it, for the error line: `npm start`. */
  name: string;
  /** The whole usage text, printed for --help and after a usage error. */
  usage: string;
  options: O;
  /** Names given without a dash (`npm run receipt -- verify FILE`). */
  positionals?: boolean;
}

type Values<O extends Record<string, OptionSpec>> = { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };

export type Parsed<O extends Record<string, OptionSpec>> = { help: true } | { help: false; values: Values<O>; positionals: string[] };

/** A mistake in how the command was called: printed as one line, then the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A refusal the user can act on (the stack is not running, a login is disabled): one line, no usage. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Exit codes: 1 for a refusal or failure, 2 for a usage error (as most Unix tools do). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function parseCommandLine<O extends Record<string, OptionSpec>>(command: Command<O>, args: readonly string[]): Parsed<O> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: command.positionals ?? false,
    }) as typeof parsed;
  } catch (error) {
    // Node's messages name the option; its advice after the first sentence is about quoting, not
    // ours. Some runtimes (jest's sandbox) prefix the message with the error's name and code.
    const message = (error instanceof Error ? error.message : String(error)).replace(/^\w*Error \[\w+\]: /, '').split('. ')[0]!;
    throw new UsageError(message);
  }
  if (parsed.values.help === true) return { help: true };
  const { help: _help, ...values } = parsed.values;
  return { help: false, values: values as Values<O>, positionals: parsed.positionals };
}

/** A TCP port (0 lets the OS pick one): a UsageError naming the option when it is not one. */
export function portOption(value: string | undefined, option = '--port'): number | undefined {
  if (value === undefined) return undefined;
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError(`${option} must be a TCP port number (0-65535), got '${value}'`);
  return port;
}

/** A whole number (of seconds, items…), optionally at least `min`. */
export function integerOption(value: string | undefined, option: string, what: string, min?: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || (min !== undefined && number < min)) throw new UsageError(`${option} must be ${what}, got '${value}'`);
  return number;
}

/** What a CLI writes: stdout for the answer and --help, stderr for the problem. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

export const processOutput: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One line, whatever the error: a multi-line message (an SDK's) keeps its first line only. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim() || (error instanceof Error ? error.name : 'unknown error');
}

/**
 * Parses, then runs `main` with the options. `--help` prints the usage (exit 0); a UsageError prints
 * `<name>: <problem>` and the usage (exit 2); any other error is one line (exit 1). Returns the exit
 * code; `main` returns its own (or nothing for 0).
 */
export async function runCommand<O extends Record<string, OptionSpec>>(
  command: Command<O>,
  args: readonly string[],
  main: (values: Values<O>, positionals: string[]) => Promise<number | void>,
  output: CliOutput = processOutput,
): Promise<number> {
  try {
    const parsed = parseCommandLine(command, args);
    if (parsed.help) {
      output.out(command.usage);
      return 0;
    }
    return (await main(parsed.values, parsed.positionals)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`${command.name}: ${error.message}`);
      output.err(command.usage);
      return EXIT_USAGE;
    }
    output.err(error instanceof CliError ? error.message : `${command.name} failed: ${oneLine(error)}`);
    return EXIT_FAILURE;
  }
}

/** A browser origin exactly as a browser sends it in `Origin`: scheme, host and port, nothing else. */
export function originOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  let origin: string | undefined;
  try {
    origin = new URL(value).origin;
  } catch {
    origin = undefined;
  }
  if (origin !== value || !/^https?:/.test(value)) throw new UsageError(`${name} must be an origin as a browser sends it (http(s)://host[:port], no path or trailing slash), not ${JSON.stringify(value)}`);
  return origin;
}
