import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config/stages';

export interface KeysStackProps extends StackProps {
  config: StageConfig;
}

/**
 * The keys the service owns: the deletion-receipt signing key (SPEC "Signed deletion receipt"), an
 * asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) whose private part never leaves KMS. The
 * receipt-signer may only `kms:Sign` with it and the keys route only `kms:GetPublicKey` (their
 * `receipt-key` links). Production keeps it when the stack goes (RETAIN): deleting it would make every
 * receipt it signed unverifiable once its public key is no longer published. Asymmetric keys have no
 * automatic rotation; to rotate, create a new key and list the old one's public JWK in the stage's
 * `receipts.retiredPublicKeys`.
 */
export class KeysStack extends Stack {
  readonly receiptKey: Key;

  constructor(scope: Construct, id: string, props: KeysStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.receiptKey = new Key(this, 'ReceiptSigningKey', {
      description: `Signs customer-deletion receipts (${config.stage})`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      removalPolicy: config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(config.production ? 30 : 7),
    });
    new CfnOutput(this, 'ReceiptKeyArn', { value: this.receiptKey.keyArn, description: 'The deletion-receipt signing key (public part: GET /.well-known/deletion-receipt-keys.json)' });
  }
}
