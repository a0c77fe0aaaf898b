import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoDbContactDirectory } from '../../shared/adapters/dynamodb/contact-directory';
import type { MailSender } from '../../shared/adapters/mail/mail-sender';
import { MailSinkSender } from '../../shared/adapters/mail/mail-sink';
import { SesMailSender } from '../../shared/adapters/mail/ses-sender';
import { requireEnv } from '../../shared/config/env';
import { logger } from '../../shared/observability/logger';
import { buildTableConsumer, type ConsumerBaseDeps } from '../../shared/workers/composition';
import { sendDeletionEmail } from '../../shared/workers/deletion-email';
import type { ContactDirectory } from '../../shared/workers/ports';

/** send-email: a plain-text deletion notice to the subject's address (SES in AWS, the .eml sink locally). */

export interface SendEmailDeps extends ConsumerBaseDeps {
  mail: MailSender;
  /** The From address (MAIL_SENDER): an SES-verified identity in AWS. */
  sender: string;
  contacts?: ContactDirectory;
}

export function createSendEmailHandler(deps: SendEmailDeps) {
  const contacts = deps.contacts ?? new DynamoDbContactDirectory(deps.doc, deps.tableName);
  return buildTableConsumer('send-email', 'email', deps, (event) => sendDeletionEmail(event, contacts, deps.mail, deps.sender));
}

/** MAIL_TRANSPORT selects the mail adapter: `ses` in AWS, `sink` (files under MAIL_SINK_DIR) in the local stack. */
export function createMailSender(transport: string, sinkDir: () => string): MailSender {
  if (transport === 'ses') return new SesMailSender(new SESv2Client({}));
  if (transport === 'sink') return new MailSinkSender(sinkDir());
  throw new Error(`MAIL_TRANSPORT must be 'ses' or 'sink', got '${transport}'`);
}

const tableName = requireEnv('TABLE_NAME');
const sender = requireEnv('MAIL_SENDER');
const mail = createMailSender(requireEnv('MAIL_TRANSPORT'), () => requireEnv('MAIL_SINK_DIR'));
const doc = createDocumentClient();

export const handler = middy(createSendEmailHandler({ doc, tableName, mail, sender })).use(injectLambdaContext(logger));
