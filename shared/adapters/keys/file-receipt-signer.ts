import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { JWK } from 'jose';
import { publicEcJwk, type ReceiptSigner } from '../../receipts/jws';

interface StoredReceiptKey {
  /** The private key as a JWK (EC P-256): what Node's crypto imports directly. */
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Loads the receipt-signing key file, creating it on first use (`.local/keys/`, git-ignored, mode
 * 0600), as the local token issuer does with its key: written to a private temporary file and
 * published with link(), which fails if the file exists, so when several processes start at once
 * exactly one key wins and all of them use it.
 */
export function loadOrCreateReceiptKey(file: string): StoredReceiptKey {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StoredReceiptKey;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
  const stored: StoredReceiptKey = { privateJwk, publicJwk: publicEcJwk(privateJwk) };
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, JSON.stringify(stored, null, 2), { mode: 0o600 });
  try {
    linkSync(temporary, file);
    return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(readFileSync(file, 'utf8')) as StoredReceiptKey;
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The local stack's receipt signer (RECEIPT_KEY=file:<path>): the same port as KMS, over a key file. */
export class FileReceiptSigner implements ReceiptSigner {
  private readonly key: KeyObject;
  private readonly publicKey: JWK;

  constructor(file: string) {
    const stored = loadOrCreateReceiptKey(file);
    this.key = createPrivateKey({ key: stored.privateJwk as never, format: 'jwk' });
    this.publicKey = publicEcJwk(stored.publicJwk);
  }

  async publicJwk(): Promise<JWK> {
    return { ...this.publicKey };
  }

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array(sign('sha256', signingInput, { key: this.key, dsaEncoding: 'ieee-p1363' }));
  }
}
