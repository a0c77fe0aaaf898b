import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { SqsQueueOperations } from '../../../shared/adapters/sqs/queue-operations';
import type { ActorStanding } from '../../../shared/domain/actor-standing';
import { DependencyUnavailableError, ForbiddenError, TokenRevokedError } from '../../../shared/domain/errors';
import { decideQueueOperations, listQueueDepthsFor, redriveQueueFor, type QueueOperations } from '../../../shared/domain/queue-operations';
import { actorFactory } from '../../fixtures/actors';

const standing = (revoked: boolean): ActorStanding => ({ isRevoked: async () => revoked });

/** A port that records what it was asked to do. */
function fakeQueues(): QueueOperations & { redriven: string[] } {
  const redriven: string[] = [];
  return {
    redriven,
    depths: async () => [{ queue: 'send-email', messages: 1, inFlight: 2, dlqMessages: 3 }],
    redrive: async (queue) => {
      redriven.push(queue);
      return { queue, moved: 3 };
    },
  };
}

describe('who may inspect and redrive the queues', () => {
  // role, scopes, revoked → the answer
  const table: [string, string[], boolean, string][] = [
    ['ADMIN', ['ops:redrive'], false, 'allowed'],
    ['ADMIN', ['ops:redrive', 'customers:delete'], false, 'allowed'],
    ['ADMIN', ['customers:delete'], false, 'SCOPE_MISSING'],
    ['ADMIN', [], false, 'SCOPE_MISSING'],
    ['MASTER', ['ops:redrive'], false, 'ROLE_NOT_ALLOWED'],
    ['RESALE', ['ops:redrive'], false, 'ROLE_NOT_ALLOWED'],
    ['SUPPORT', ['ops:redrive'], false, 'ROLE_NOT_ALLOWED'],
    ['ADMIN', ['ops:redrive'], true, 'TOKEN_REVOKED'],
    ['ADMIN', [], true, 'TOKEN_REVOKED'],
    ['RESALE', [], true, 'TOKEN_REVOKED'],
  ];

  it.each(table)('%s with %j (revoked: %s) → %s', async (role, scopes, revoked, expected) => {
    // Prepare
    const actor = actorFactory({ role, scopes, accountId: 'platform' });
    const deps = { standing: standing(revoked), queues: fakeQueues() };

    // Act
    const listed = listQueueDepthsFor(actor, deps).then(() => 'allowed', (error: { code?: string }) => error.code);
    const redriven = redriveQueueFor(actor, 'send-email', deps).then(() => 'allowed', (error: { code?: string }) => error.code);

    // Assess: the same answer for both routes, and nothing moved unless allowed
    await expect(listed).resolves.toBe(expected);
    await expect(redriven).resolves.toBe(expected);
    expect(deps.queues.redriven).toEqual(expected === 'allowed' ? ['send-email'] : []);
  });

  it('refuses with the error kinds the HTTP layer maps to 403 and 401', async () => {
    await expect(listQueueDepthsFor(actorFactory({ role: 'MASTER', scopes: ['ops:redrive'] }), { standing: standing(false), queues: fakeQueues() })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listQueueDepthsFor(actorFactory({ role: 'ADMIN', scopes: ['ops:redrive'] }), { standing: standing(true), queues: fakeQueues() })).rejects.toBeInstanceOf(TokenRevokedError);
  });

  it('says why in words', () => {
    expect(decideQueueOperations(actorFactory({ role: 'RESALE', scopes: ['ops:redrive'] }))).toEqual({ allowed: false, code: 'ROLE_NOT_ALLOWED', message: 'Only ADMIN may inspect or redrive queues' });
    expect(decideQueueOperations(actorFactory({ role: 'ADMIN', scopes: [] }))).toEqual({ allowed: false, code: 'SCOPE_MISSING', message: 'Scope ops:redrive is required' });
  });
});

/** An SQS client that answers each command from `answers` and records every command it was sent. */
function fakeSqs(answers: (command: object) => unknown) {
  const sent: object[] = [];
  const client = { send: async (command: object) => (sent.push(command), answers(command)) } as unknown as SQSClient;
  return { client, sent };
}

const URLS = [{ queue: 'send-email', url: 'https://sqs/q/send-email', dlqUrl: 'https://sqs/q/send-email-dlq' }];
const ARNS: Record<string, string> = { 'https://sqs/q/send-email': 'arn:aws:sqs:eu-west-1:1:send-email', 'https://sqs/q/send-email-dlq': 'arn:aws:sqs:eu-west-1:1:send-email-dlq' };

describe('SqsQueueOperations with SQS move tasks', () => {
  const attributes = (dlqMessages: number) => (command: object) => {
    if (command instanceof GetQueueAttributesCommand) {
      const url = command.input.QueueUrl ?? '';
      return { Attributes: { QueueArn: ARNS[url], ApproximateNumberOfMessages: url.endsWith('-dlq') ? String(dlqMessages) : '4', ApproximateNumberOfMessagesNotVisible: '1' } };
    }
    return undefined;
  };

  it('reads each queue and its DLQ', async () => {
    const { client } = fakeSqs(attributes(2));
    await expect(new SqsQueueOperations(client, URLS, 'sqs-move-task').depths()).resolves.toEqual([{ queue: 'send-email', messages: 4, inFlight: 1, dlqMessages: 2 }]);
  });

  it('starts a move task from the DLQ to its own queue, named', async () => {
    const { client, sent } = fakeSqs((command) => {
      if (command instanceof ListMessageMoveTasksCommand) return { Results: [{ Status: 'COMPLETED', TaskHandle: 'old' }] };
      if (command instanceof StartMessageMoveTaskCommand) return { TaskHandle: 'task-1' };
      return attributes(2)(command);
    });
    await expect(new SqsQueueOperations(client, URLS, 'sqs-move-task').redrive('send-email')).resolves.toEqual({ queue: 'send-email', taskHandle: 'task-1' });
    const start = sent.find((c) => c instanceof StartMessageMoveTaskCommand) as StartMessageMoveTaskCommand;
    expect(start.input).toEqual({ SourceArn: ARNS['https://sqs/q/send-email-dlq'], DestinationArn: ARNS['https://sqs/q/send-email'] });
  });

  it('answers the running task rather than starting a second one', async () => {
    const { client, sent } = fakeSqs((command) => (command instanceof ListMessageMoveTasksCommand ? { Results: [{ Status: 'RUNNING', TaskHandle: 'running-1' }] } : attributes(5)(command)));
    await expect(new SqsQueueOperations(client, URLS, 'sqs-move-task').redrive('send-email')).resolves.toEqual({ queue: 'send-email', taskHandle: 'running-1' });
    expect(sent.some((c) => c instanceof StartMessageMoveTaskCommand)).toBe(false);
  });

  it('starts nothing for an empty DLQ', async () => {
    const { client, sent } = fakeSqs(attributes(0));
    await expect(new SqsQueueOperations(client, URLS, 'sqs-move-task').redrive('send-email')).resolves.toEqual({ queue: 'send-email', moved: 0 });
    expect(sent.some((c) => c instanceof StartMessageMoveTaskCommand || c instanceof ListMessageMoveTasksCommand)).toBe(false);
  });

  it('turns an SQS outage into a 503, not a 500', async () => {
    const { client } = fakeSqs(() => {
      throw Object.assign(new Error('down'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } });
    });
    await expect(new SqsQueueOperations(client, URLS, 'sqs-move-task').depths()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
