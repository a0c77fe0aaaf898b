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
