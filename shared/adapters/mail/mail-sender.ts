/** The outgoing-mail port: Amazon SES in AWS, the `.eml` sink in the local stack. */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Stable per logical message (e.g. the event id), so a transport can refuse a duplicate. */
  dedupeId: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
}
