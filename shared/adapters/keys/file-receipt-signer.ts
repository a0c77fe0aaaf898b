import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { publicEcJwk, type ReceiptSigner } from '../../receipts/jws';
import { publishKeyFile, readKeyFile } from './key-file';

interface StoredReceiptKey {
  /** The private key as a JWK (EC P-256): what Node's crypto imports directly. */
  privateJwk: JWK;
  publicJwk: JWK;
}

/**
 * Loads the receipt-signing key file, creating it on first use (`.local/keys/`, git-ignored, mode
 * 0600), as the local token issuer does with its key (key-file.ts: exactly one of several processes
 * starting at once creates it).
 */
export function loadOrCreateReceiptKey(file: string): StoredReceiptKey {
  const existing = readKeyFile<StoredReceiptKey>(file);
  if (existing) return existing;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
  return publishKeyFile(file, { privateJwk, publicJwk: publicEcJwk(privateJwk) });
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
