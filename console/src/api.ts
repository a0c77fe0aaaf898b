/**
 * The console's one way to the API: the operator's token in memory only (a module variable, never
 * localStorage or a cookie, so it ends with the tab), and every refusal turned into words from the
 * envelope the API answered with (v1 `message`/`code`, v2 `errorMessage`/`errorCode`, API Gateway's `message`).
 */
import type { ConsoleConfig } from './config';

export type { ConsoleConfig } from './config';

export interface Session {
  token: string;
  sub: string;
  role: string;
  accountId: string;
  scopes: string[];
  /** When the token expires (ms since epoch): the page signs out then, saying why. */
  expiresAt?: number;
}

let session: Session | undefined;

export const currentSession = (): Session | undefined => session;
export function setSession(next: Session | undefined): void {
  session = next;
}

/** An API refusal (or a network failure), said in words: status, code, message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }

  /** One line an operator can read and quote. */
  get words(): string {
    return this.status === 0 ? this.message : `${this.status} ${this.code ? `${this.code}: ` : ''}${this.message}`;
  }
}

let config: ConsoleConfig = { apiUrl: '' };
export const consoleConfig = (): ConsoleConfig => config;

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('config.json', { cache: 'no-store' });
  if (!response.ok) throw new ApiError(response.status, '', 'The console could not read its configuration (config.json).');
  config = (await response.json()) as ConsoleConfig;
  return config;
}

function refusal(status: number, body: unknown): ApiError {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.errorCode === 'string' && b.errorCode !== '') return new ApiError(status, b.errorCode, String(b.errorMessage ?? ''));
  if (typeof b.code === 'string') return new ApiError(status, b.code, String(b.message ?? ''));
  if (typeof b.message === 'string') return new ApiError(status, '', b.message);
  return new ApiError(status, '', `The API answered ${status} without an explanation.`);
}

/** Calls the API with the session's token; answers the parsed JSON body of a 2xx, throws an ApiError otherwise. */
export async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The API could not be reached (network error). Check the connection and try again.');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(response.status, '', `The API answered ${response.status} with something that is not JSON.`);
  }
  if (!response.ok) throw refusal(response.status, parsed);
  return parsed as T;
}

/** v2 ACK content. */
export interface Ack<T> {
  content: T[];
  pageable: { page: number; size: number; totalPages: number; totalElements: number };
}
