import { randomUUID } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A local key kept in a JSON file (the local token issuer's and the receipt signer's), created by
 * whichever process gets there first: the key is written to a private temporary file (mode 0600)
 * and published with link(), which fails if the file exists, so when several processes start at
 * once exactly one key wins and every one of them uses it.
 */
export function readKeyFile<T>(file: string): T | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Publishes `created` at `file` unless another process did first; returns the key that won. */
export function publishKeyFile<T>(file: string, created: T): T {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, JSON.stringify(created, null, 2), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } finally {
    rmSync(temporary, { force: true });
  }
}
