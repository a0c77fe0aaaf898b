/**
 * What a verified receipt proves, in plain lines: one text for `npm run receipt -- verify` and the
 * operator console, which bundles this module for the browser (so it imports nothing: no Node, no
 * jose). It takes the receipt's payload as any verifier decoded it (the domain's ReceiptPayload fits).
 */
export interface DescribedReceipt {
  kid: string;
  payload: {
    iss: string;
    jti: string;
    iat: number;
    type: string;
    mode: string;
    subject: { type: string; customerId?: string; userId?: string; size?: number };
    actor: { sub: string; role: string; accountId: string };
    reason?: string;
    ticket?: string;
    requestedAt: string;
    completedAt: string;
    accessRevokedAt?: string;
    steps: Record<string, { status: string; completedAt: string; count?: number }>;
    erased: readonly string[];
    retained: readonly { what: string; basis: string }[];
  };
}

function subjectText(subject: DescribedReceipt['payload']['subject']): string {
  if (subject.type === 'user') return `user ${subject.userId} of customer ${subject.customerId}`;
  if (subject.type === 'batch') return `a batch of ${subject.size} customers (each deletion has its own receipt)`;
  return `customer ${subject.customerId}`;
}

export function describeReceipt({ kid, payload }: DescribedReceipt): string[] {
  const lines = [
    `Valid deletion receipt signed by ${payload.iss} (key ${kid}) at ${new Date(payload.iat * 1000).toISOString()}.`,
    `Request ${payload.jti}: ${payload.type} (${payload.mode}) of ${subjectText(payload.subject)}, asked by ${payload.actor.sub} (${payload.actor.role}, account ${payload.actor.accountId}).`,
  ];
  if (payload.reason !== undefined) lines.push(`Reason: ${payload.reason}${payload.ticket !== undefined ? ` (ticket ${payload.ticket})` : ''}`);
  else if (payload.ticket !== undefined) lines.push(`Ticket: ${payload.ticket}`);
  lines.push(`Requested at ${payload.requestedAt}; completed at ${payload.completedAt}.`);
  if (payload.accessRevokedAt !== undefined) lines.push(`Access ended at ${payload.accessRevokedAt}.`);
  for (const [name, step] of Object.entries(payload.steps)) {
    lines.push(`Step ${name}: ${step.status} at ${step.completedAt}${step.count !== undefined ? ` (${step.count} changed)` : ''}.`);
  }
  lines.push(`Erased: ${payload.erased.length > 0 ? payload.erased.join(', ') : 'nothing'}.`);
  for (const kept of payload.retained) lines.push(`Retained: ${kept.what} (${kept.basis}).`);
  return lines;
}
