import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { MailDeliveryError } from '../../domain/cascade-errors';
import { errorName } from '../../domain/safe-error';
import type { MailSender, OutgoingMail } from '../../workers/ports';

/** SES answers that retrying the same message cannot fix (only a configuration change or a redrive can). */
const PERMANENT = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException', 'AccountSuspendedException']);

/** Tags allow [A-Za-z0-9_-] only. */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}

/**
 * The outgoing-mail port on Amazon SES (v2 API), plain text, UTF-8. SES does not deduplicate: the
 * consumer's PROCESSED marker is what keeps a duplicate delivery from sending twice; the dedupe id
 * travels as a message tag so a sent message can be traced back to its event.
 *
 * SES error messages can quote the recipient's address, so they never leave this class: the
 * thrown MailDeliveryError names only the SES error code, and keeps the original as its `cause`.
 */
export class SesMailSender implements MailSender {
  constructor(
    private readonly client: Pick<SESv2Client, 'send'>,
    private readonly options: { configurationSetName?: string } = {},
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: mail.from,
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
            },
          },
          EmailTags: [{ Name: 'dedupeId', Value: tagValue(mail.dedupeId) }],
          ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
        }),
      );
    } catch (error) {
      const name = errorName(error) ?? 'UnknownError';
      throw new MailDeliveryError(`SES did not accept the message (${name})`, PERMANENT.has(name), { cause: error });
    }
  }
}
