import type { EnvName } from '../../infra/catalog';

/** Reads a required environment variable once, at module load, and fails the cold start loudly
 * rather than carrying the string "undefined" into a request. */
export function requireEnv(name: EnvName): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} environment variable is not set`);
  }
  return value;
}

export function optionalEnv(name: EnvName, fallback: string): string {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : value;
}

export function requirePositiveIntEnv(name: EnvName): number {
  const raw = requireEnv(name);
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} environment variable must be a positive integer`);
  }
  return value;
}
