import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IdentityProviderError } from '../../domain/cascade-errors';
import { errorName } from '../../domain/safe-error';
import type { IdentityProvider, Login, WorkContext } from '../../workers/ports';

/** What the local record keeps of one disabled login: enough for the token issuer's refusal. */
export interface DisabledLogin {
  /** The customer account the login belongs to. */
  account: string;
  /** The deletion request whose identity step disabled it. */
  requestId: string;
  disabledAt: string;
}

/** The local token issuer's record (a JSON file under `.local/`): the logins it must not mint tokens for. */
export interface LoginRecord {
  version: 1;
  disabled: Record<string, DisabledLogin>;
}

const EMPTY: LoginRecord = { version: 1, disabled: {} };

function parseRecord(text: string, file: string): LoginRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`The local login record ${file} is not JSON: delete it to start afresh`);
  }
  const record = raw as Partial<LoginRecord> | null;
  if (typeof record !== 'object' || record === null || record.version !== 1 || typeof record.disabled !== 'object' || record.disabled === null) {
    throw new Error(`The local login record ${file} is not a version 1 record: delete it to start afresh`);
  }
  return record as LoginRecord;
}

/** Reads the record (empty when there is none yet): what `npm run token` consults before it mints. */
export function readLoginRecord(file: string): LoginRecord {
  if (!existsSync(file)) return structuredClone(EMPTY);
  return parseRecord(readFileSync(file, 'utf8'), file);
}

/** Writers of one file, serialized within this process (the local stack is the only writer). */
const queues = new Map<string, Promise<unknown>>();

/**
 * The identity provider of the local stack: the local token issuer's record of disabled logins.
 * Disabling records the login (with its account, request and time) and keeps the first entry on a
 * repeat, so a re-run changes nothing; enabling removes it. Every change rewrites the file
 * atomically (a temporary file renamed over it), one change at a time, so a reader (`npm run
 * token`, another process) sees the old record or the new one, never half of one. Every login is
 * known to the local issuer: nothing is ever `unknown` here.
 */
export class LocalIdentityProvider implements IdentityProvider {
  constructor(readonly file: string) {}

  async signOutAndDisable(login: Login, context: WorkContext): Promise<'disabled'> {
    await this.update((record) => {
      record.disabled[login.id] ??= { account: login.customerId, requestId: context.requestId, disabledAt: context.at };
    });
    return 'disabled';
  }

  async enable(login: Login): Promise<'enabled'> {
    await this.update((record) => {
      delete record.disabled[login.id];
    });
    return 'enabled';
  }

  private update(change: (record: LoginRecord) => void): Promise<void> {
    const previous = queues.get(this.file) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(async () => {
      try {
        const record = await this.read();
        change(record);
        await mkdir(dirname(this.file), { recursive: true });
        const temporary = `${this.file}.${process.pid}.${randomUUID()}.tmp`;
        try {
          await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
          await rename(temporary, this.file);
        } finally {
          await rm(temporary, { force: true });
        }
      } catch (error) {
        // An errno code (EACCES, ENOSPC) or a class name: never the path or the record's content.
        const code = (error as NodeJS.ErrnoException).code ?? errorName(error) ?? 'UnknownError';
        throw new IdentityProviderError(`Local login record ${/^[A-Z][A-Za-z0-9]{0,63}$/.test(code) ? code : 'UnknownError'} on update`, { cause: error });
      }
    });
    queues.set(this.file, next);
    // The queue does not grow: once this change is done, and nothing came after it, forget it.
    void next.finally(() => {
      if (queues.get(this.file) === next) queues.delete(this.file);
    }).catch(() => undefined);
    return next;
  }

  private async read(): Promise<LoginRecord> {
    try {
      return parseRecord(await readFile(this.file, 'utf8'), this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
      throw error;
    }
  }
}
