import type { EnvName } from '../../infra/catalog';

/**
 * A function's environment, passed in by its handler module (`process.env` in Lambda and in the
 * local stack, which gives each function exactly the variables its declaration lists). Factories
 * read it once, when they build the handler, and fail the cold start loudly rather than carry the
 * string "undefined" into a request.
 */
export type Environment = Readonly<Record<string, string | undefined>>;

export function requireEnv(env: Environment, name: EnvName): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} environment variable is not set`);
  }
  return value;
}

export function requirePositiveIntEnv(env: Environment, name: EnvName): number {
  const raw = requireEnv(env, name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} environment variable must be a positive integer`);
  }
  return value;
}

/** One way a variable may select an adapter: `<kind>`, or `<kind>:<argument>` when it names an argument. */
export interface AdapterChoice<T> {
  argument?: string;
  build(argument: string): T;
}

/**
 * Builds the adapter a variable selects (`IDENTITY_PROVIDER=cognito:<pool>`, `IDENTITY_PROVIDER=local:<file>`):
 * the AWS adapter in AWS, the local one in the local stack, same variable name in both. Anything
 * else fails the cold start, naming what is allowed.
 */
export function chooseAdapter<T>(env: Environment, name: EnvName, choices: Readonly<Record<string, AdapterChoice<T>>>): T {
  const value = requireEnv(env, name);
  const colon = value.indexOf(':');
  const kind = colon < 0 ? value : value.slice(0, colon);
  const argument = colon < 0 ? '' : value.slice(colon + 1);
  const choice = Object.hasOwn(choices, kind) ? choices[kind] : undefined;
  if (choice && (choice.argument === undefined ? colon < 0 : argument !== '')) return choice.build(argument);
  const allowed = Object.entries(choices).map(([k, c]) => `'${c.argument === undefined ? k : `${k}:<${c.argument}>`}'`);
  throw new Error(`${name} must be ${allowed.join(' or ')}, got '${value.slice(0, 40)}'`);
}
