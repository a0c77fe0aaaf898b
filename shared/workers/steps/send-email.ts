import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDbContactDirectory } from '../../adapters/dynamodb/contact-directory';
import { SesMailSender } from '../../adapters/mail/ses-sender';
import { requireEnv, type Environment } from '../../config/env';
import { sendDeletionEmail } from '../deletion-email';
import type { ContactDirectory, MailSender } from '../ports';
import { counted } from '../cascade-consumer';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';
import { traced } from '../../observability/tracer';

/** Step `email`: a plain-text deletion notice to the subject's address, through SES. */
export function createSendEmailHandler(ports: StepConsumerPorts & { mail: MailSender; contacts: ContactDirectory; sender: string }) {
  return createStepConsumer('email', ports, async (event) => counted('sent', (await sendDeletionEmail(event, ports.contacts, ports.mail, ports.sender)).sent));
}

export function sendEmailFromEnv(env: Environment) {
  return stepHandlerFromEnv('email', env, createSendEmailHandler, (table) => ({
    // One code path everywhere: SES in AWS, the SES emulator in the local stack and the tests
    // (the SDK takes its endpoint from AWS_ENDPOINT_URL_SESV2 there).
    mail: new SesMailSender(traced(new SESv2Client({}))),
    // The From address: an SES-verified identity in AWS.
    sender: requireEnv(env, 'MAIL_SENDER'),
    contacts: new DynamoDbContactDirectory(table.doc, table.tableName),
  }));
}
