import * as z from 'zod/mini';
import { steps, type StepDeclaration } from '../../infra/catalog';
import type { RequestType } from '../domain/model';
import { cascadeEventV1Schema } from './cascade-event';

/**
 * The AsyncAPI 3 document of the cascade: one channel per step queue of the catalog, each carrying
 * the cascade event (its payload generated from the schema the consumers parse with), published by
 * the outbox relay (and the reconciler) and received by the step's consumer.
 */

/** Which event a request of each type emits (SPEC "Requests, steps and events"). */
const EVENT_OF: Record<RequestType, string> = {
  'customer.delete': 'customer.deleted',
  'customer.purge': 'customer.purged',
  'customer.restore': 'customer.restored',
  'user.delete': 'user.deleted',
  batch: 'batch.requested',
};

const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _dash: string, c: string) => c.toUpperCase());

function eventsOn(step: StepDeclaration): string[] {
  return [...new Set(step.joins.map((m) => `${EVENT_OF[m.type]}${m.modes ? ` (mode ${m.modes.join(', ')})` : ''}`))];
}

const EXAMPLE = {
  eventId: '0b8f7c52-4a1e-4f7e-9a0a-6c1d2e3f4a5b',
  eventType: 'customer.deleted',
  eventVersion: 1,
  occurredAt: '2025-01-15T10:30:00.000Z',
  requestId: '3f6c1d2a-8b4e-4c1f-9a7d-2e5b6c8d9f01',
  subject: { type: 'customer', customerId: 'cust-1001' },
  actor: { sub: 'reseller-admin', role: 'RESALE', accountId: 'reseller-1' },
  mode: 'soft',
  reason: 'customer request',
};

export function asyncApiDocument(declared: readonly StepDeclaration[] = steps): Record<string, unknown> {
  const payload = z.toJSONSchema(cascadeEventV1Schema, { target: 'draft-7', io: 'input', unrepresentable: 'throw' });
  delete (payload as { $schema?: string }).$schema;
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const step of declared) {
    const queue = step.consumer.name;
    channels[queue] = {
      address: queue,
      title: `${queue} queue`,
      description:
        `The \`${step.name}\` step's SQS queue (with its DLQ: a message that keeps failing lands there for inspection and redrive). Events: ${eventsOn(step).join(', ')}.` +
        (step.carriesRecipient ? ' Its events carry `recipient`, read before the deleting transaction erased the address.' : ''),
      messages: { cascadeEvent: { $ref: '#/components/messages/CascadeEvent' } },
    };
    operations[`publish${pascal(queue)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${queue}` },
      summary: `The outbox relay (and the reconciler) publishes each accepted request's event for the ${step.name} step.`,
      messages: [{ $ref: `#/channels/${queue}/messages/cascadeEvent` }],
    };
    operations[`consume${pascal(queue)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${queue}` },
      summary: `${step.consumer.name} does the ${step.name} step: idempotent on eventId, partial batch failures, poison messages to the DLQ.`,
      messages: [{ $ref: `#/channels/${queue}/messages/cascadeEvent` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Customer deletion cascade',
      version: '1.0.0',
      description: 'The events the deletion service sends its cascade steps over SQS. Generated from the zod schema the consumers parse with: do not edit, run `npm run contracts`.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      schemas: { CascadeEventV1: payload },
      messages: {
        CascadeEvent: {
          name: 'CascadeEvent',
          title: 'Cascade event, version 1',
          summary: 'One per step a request joins, each with its own eventId; consumers reject anything that is not a v1 event.',
          contentType: 'application/json',
          payload: { $ref: '#/components/schemas/CascadeEventV1' },
          examples: [{ name: 'customerDeleted', summary: 'A soft delete of a customer', payload: EXAMPLE }],
        },
      },
    },
  };
}
