import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { OutgoingMail } from '../../../shared/workers/ports';
import { SesMailSender } from '../../../shared/adapters/mail/ses-sender';
import { MailDeliveryError } from '../../../shared/domain/cascade-errors';

const mail: OutgoingMail = {
  from: 'Customer Deletion <no-reply@customer-deletion.test>',
  to: 'alice@customer.example',
  subject: 'Your customer account has been deleted',
  text: 'Hello Alice Martin,\n…',
  dedupeId: '1b4e28ba-2fa1-11d2-883f-0016d3cca427',
};

/** A stand-in SES client: records commands, never touches the network. */
function fakeSes(failure?: Error) {
  const commands: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      commands.push(command);
      if (failure) throw failure;
      return { MessageId: 'fake-message-id' };
    },
  } as unknown as Pick<SESv2Client, 'send'>;
  return { client, commands };
}

describe('SesMailSender', () => {
  it('sends a plain-text UTF-8 message from the configured sender, tagged with its dedupe id', async () => {
    // Prepare
    const { client, commands } = fakeSes();

    // Act
    await new SesMailSender(client, { configurationSetName: 'deletion-notices' }).send(mail);

    // Assess
    expect(commands).toHaveLength(1);
    const command = commands[0] as SendEmailCommand;
    expect(command).toBeInstanceOf(SendEmailCommand);
    expect(command.input).toEqual({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: [mail.to] },
      Content: { Simple: { Subject: { Data: mail.subject, Charset: 'UTF-8' }, Body: { Text: { Data: mail.text, Charset: 'UTF-8' } } } },
      EmailTags: [{ Name: 'dedupeId', Value: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' }],
      ConfigurationSetName: 'deletion-notices',
    });
  });

  it.each([
    ['MessageRejected', true],
    ['MailFromDomainNotVerifiedException', true],
    ['TooManyRequestsException', false],
    ['SendingPausedException', false],
    ['InternalServiceErrorException', false],
  ])('turns %s into a MailDeliveryError (permanent: %s) that names only the error code', async (name, permanent) => {
    // Prepare
    const sdkError = Object.assign(new Error(`Email address is not verified. The following identities failed the check: ${mail.to}`), { name });
    const { client } = fakeSes(sdkError);

    // Act
    const error = await new SesMailSender(client).send(mail).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ permanent, safeMessage: `SES did not accept the message (${name})`, cause: sdkError });
    expect((error as Error).message).not.toContain(mail.to);
  });
});
