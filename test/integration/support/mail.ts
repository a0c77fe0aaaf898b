import { eventually } from './emulators';

/** One message as the SES emulator stored it (`GET /store`): the fields the tests read. */
export interface SentMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  /** Epoch seconds. */
  at: number;
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
  at: number;
}

/** Every message the SES emulator at `endpoint` accepted, oldest first. */
export async function sentMail(endpoint: string): Promise<SentMail[]> {
  const response = await fetch(`${endpoint}/store`);
  if (!response.ok) throw new Error(`the SES emulator's store answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.map((mail) => ({ messageId: mail.messageId, from: mail.from, to: mail.destination.to, subject: mail.subject, text: mail.body.text ?? '', at: mail.at }));
}

/** The messages sent to `address` (the store is shared by whatever sent through that emulator). */
export async function mailTo(endpoint: string, address: string): Promise<SentMail[]> {
  return (await sentMail(endpoint)).filter((mail) => mail.to.includes(address));
}

/** Waits until at least `count` messages to `address` match `which`, and returns the matching ones. */
export async function waitForMailTo(
  endpoint: string,
  address: string,
  options: { count?: number; which?: (mail: SentMail) => boolean; timeoutMs?: number } = {},
): Promise<SentMail[]> {
  const { count = 1, which = () => true, timeoutMs = 15000 } = options;
  return eventually(
    async () => {
      const found = (await mailTo(endpoint, address)).filter(which);
      return found.length >= count ? found : undefined;
    },
    timeoutMs,
    `${count} message(s) to ${address} in the SES emulator`,
  );
}
