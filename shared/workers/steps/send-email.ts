import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDbContactDirectory } from '../../adapters/dynamodb/contact-directory';
import { MailSinkSender } from '../../adapters/mail/mail-sink';
import { SesMailSender } from '../../adapters/mail/ses-sender';
import { chooseAdapter, requireEnv, type Environment } from '../../config/env';
import { sendDeletionEmail } from '../deletion-email';
import type { ContactDirectory, MailSender } from '../ports';
import { counted } from '../cascade-consumer';
import { createStepConsumer, stepHandlerFromEnv, type StepConsumerPorts } from '../step-consumer';

/** Step `email`: a plain-text deletion notice to the subject's address (SES in AWS, the .eml sink locally). */
export function createSendEmailHandler(ports: StepConsumerPorts & { mail: MailSender; contacts: ContactDirectory; sender: string }) {
  return createStepConsumer('email', ports, async (event) => counted('sent', (await sendDeletionEmail(event, ports.contacts, ports.mail, ports.sender)).sent));
}

/** MAIL_TRANSPORT selects the mail adapter: `ses` in AWS, `sink:<directory>` (an .eml file per message) in the local stack. */
export function createMailSender(env: Environment): MailSender {
  return chooseAdapter<MailSender>(env, 'MAIL_TRANSPORT', {
    ses: { build: () => new SesMailSender(new SESv2Client({})) },
    sink: { argument: 'directory', build: (directory) => new MailSinkSender(directory) },
  });
}

export function sendEmailFromEnv(env: Environment) {
  return stepHandlerFromEnv('email', env, createSendEmailHandler, (table) => ({
    mail: createMailSender(env),
    // The From address: an SES-verified identity in AWS.
    sender: requireEnv(env, 'MAIL_SENDER'),
    contacts: new DynamoDbContactDirectory(table.doc, table.tableName),
  }));
}
