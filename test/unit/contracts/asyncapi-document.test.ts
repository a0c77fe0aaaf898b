import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { steps } from '../../../infra/catalog';
import { asyncApiDocument } from '../../../shared/events/asyncapi';
import { cascadeEventFactory, emailEventFactory } from '../../fixtures/cascade-events';
import { schemaValidator } from '../../fixtures/openapi-validator';

const committed = JSON.parse(readFileSync(resolve(__dirname, '../../../docs/asyncapi.json'), 'utf8')) as {
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  operations: Record<string, { action: string; channel: { $ref: string } }>;
  components: { schemas: { CascadeEventV1: Record<string, unknown> } };
};

describe('the AsyncAPI document', () => {
  it('is valid AsyncAPI 3 for @asyncapi/parser: no error', async () => {
    const diagnostics = await new Parser().validate(JSON.stringify(committed));
    // Severity 0 is an error; warnings and hints do not make the document invalid.
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
  }, 30_000);

  it('has one channel per step queue of the catalog, each sent to by the relay and received by its consumer', () => {
    expect(Object.keys(committed.channels).sort()).toEqual(steps.map((s) => s.consumer.name).sort());
    for (const step of steps) {
      const ops = Object.values(committed.operations).filter((op) => op.channel.$ref === `#/channels/${step.consumer.name}`);
      expect(ops.map((op) => op.action).sort()).toEqual(['receive', 'send']);
    }
  });

  it("describes the events the consumers accept: its payload schema takes the factories' events", () => {
    const check = schemaValidator({ components: { schemas: {} } });
    const payload = committed.components.schemas.CascadeEventV1;
    expect(check(payload, cascadeEventFactory())).toBeNull();
    expect(check(payload, emailEventFactory())).toBeNull();
    expect(check(payload, { ...cascadeEventFactory(), eventVersion: 2 })).not.toBeNull();
  });

  it('is what the code generates', () => {
    expect(JSON.parse(JSON.stringify(asyncApiDocument()))).toEqual(committed);
  });
});
