import { createHash, createPublicKey } from 'node:crypto';
import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import { derToJose, publicEcJwk, type ReceiptSigner } from '../../receipts/jws';

/**
 * The receipt signer in AWS (RECEIPT_KEY=kms:<key id or ARN>): an asymmetric KMS key
 * (ECC_NIST_P256, SIGN_VERIFY) whose private part never leaves KMS. `Sign` is called with
 * `MessageType: DIGEST` (a raw message is limited to 4 KB) and answers DER, converted to JOSE's
 * r || s. The public key is fetched once per cold start (`GetPublicKey`, SPKI DER → JWK) and kept.
 */
export class KmsReceiptSigner implements ReceiptSigner {
  private publicKey: Promise<JWK> | undefined;

  constructor(
    private readonly kms: Pick<KMSClient, 'send'>,
    private readonly keyId: string,
  ) {}

  publicJwk(): Promise<JWK> {
    this.publicKey ??= this.fetchPublicKey().catch((error: unknown) => {
      // Not cached: the next call asks again.
      this.publicKey = undefined;
      throw error;
    });
    return this.publicKey.then((jwk) => ({ ...jwk }));
  }

  async sign(signingInput: Uint8Array): Promise<Uint8Array> {
    const digest = createHash('sha256').update(signingInput).digest();
    const result = await this.kms.send(new SignCommand({ KeyId: this.keyId, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
    if (!result.Signature) throw new Error('KMS Sign returned no signature');
    return derToJose(result.Signature);
  }

  private async fetchPublicKey(): Promise<JWK> {
    const result = await this.kms.send(new GetPublicKeyCommand({ KeyId: this.keyId }));
    if (!result.PublicKey) throw new Error('KMS GetPublicKey returned no key');
    if (result.KeySpec !== undefined && result.KeySpec !== 'ECC_NIST_P256') throw new Error(`the receipt key must be ECC_NIST_P256, not ${result.KeySpec}`);
    const jwk = createPublicKey({ key: Buffer.from(result.PublicKey), format: 'der', type: 'spki' }).export({ format: 'jwk' }) as JWK;
    return publicEcJwk(jwk);
  }
}
