/** The local redrive (`npm run redrive`) and the operator console's local redrive share one implementation. */
export { redriveDlq, type RedriveResult, type RedriveTarget } from '../../shared/adapters/sqs/dlq-copy';
