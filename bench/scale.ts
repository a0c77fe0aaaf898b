import { createDeleteCustomerHandler } from '../shared/http/routes/delete-customer';
import { createDeleteUserHandler } from '../shared/http/routes/delete-user';
import { createRestoreCustomerHandler } from '../shared/http/routes/restore-customer';
import { createTable } from '../infra/local/resources';
import { benchTokenMinter, readBenchSigningKey } from './rs256-issuer';
import { DynamoDbActorStanding } from '../shared/adapters/dynamodb/actor-standing';
import { DynamoDeletionStore } from '../shared/adapters/dynamodb/deletion-store';
import { DynamoLifecycleStore } from '../shared/adapters/dynamodb/lifecycle-store';
import { tokenVerifierConfigFromEnv } from '../shared/auth/config';
import { createTokenVerifier } from '../shared/auth/token-verifier';
import { requireEnv } from '../shared/config/env';
import { DeletionService } from '../shared/domain/deletion-service';
import { RestoreService } from '../shared/domain/restore-service';
import { systemClock, uuidIds } from '../shared/domain/system';
import { measureBulk, type BulkResult } from './bulk';
import { measureCascadeRatio, type CascadeRatioResult } from './cascade';
import { measureFullCascade, type FullCascadeResult } from './cascade-full';
import { requireChildEnv, runChild, sendToParent } from './child';
import { countingDocumentClient } from './ddb';
import { measureConflict, measureRoundTrips, type ConflictResult, type RoundTripCell } from './round-trips';
import { transactWrites } from './warm';

/**
 * The bench's scale half (bench/run.ts runs it in its own process, on the emulators it started):
 * round trips for every role × mode, the 409 of a reseller with many children, bulk deletion against
 * its floor, the devices consumer against its floor, and one customer's whole cascade at size.
 */

export interface ScaleSettings {
  roundTripsPerCell: number;
  conflictChildren: number;
  conflictSamples: number;
  bulkRounds: number;
  bulkPerRound: number;
  cascadeRounds: number;
  cascadeDevices: number;
  full: { devices: number; sessions: number; logins: number };
}

export interface ScaleResult {
  roundTrips: RoundTripCell[];
  conflict: ConflictResult;
  bulk: BulkResult;
  cascade: CascadeRatioResult;
  full: FullCascadeResult;
}

const send = (message: { kind: 'progress'; text: string } | { kind: 'result'; result: ScaleResult }): Promise<void> => sendToParent(message);
const requireEnvVar = (name: string): string => requireChildEnv(name, 'bench/scale.ts');

async function main(): Promise<void> {
  const settings = JSON.parse(requireEnvVar('BENCH_SCALE_SETTINGS')) as ScaleSettings;
  const tableName = requireEnv(process.env, 'TABLE_NAME');
  const { client, doc, counter } = countingDocumentClient(requireEnvVar('BENCH_DYNAMODB_ENDPOINT'));
  await createTable(client, tableName);
  const recorder = transactWrites(doc);

  const mint = await benchTokenMinter(readBenchSigningKey(requireEnvVar('BENCH_SIGNING_KEY_FILE')));
  const verifier = createTokenVerifier(tokenVerifierConfigFromEnv(process.env));
  const standing = new DynamoDbActorStanding({ doc, tableName });
  const deletions = new DeletionService({ store: new DynamoDeletionStore(doc, tableName), standing, clock: systemClock, ids: uuidIds });
  const handlers = {
    deleteCustomer: createDeleteCustomerHandler({ verifier, standing, service: deletions }),
    deleteUser: createDeleteUserHandler({ verifier, standing, service: deletions }),
    restoreCustomer: createRestoreCustomerHandler({ verifier, standing, service: new RestoreService({ store: new DynamoLifecycleStore(doc, tableName), standing, clock: systemClock, ids: uuidIds }) }),
  };
  const token = (role: string, accountId: string, scope: string) => mint({ sub: `bench-${role.toLowerCase()}`, accountId, role, scope, ttlSeconds: 1800 });

  void send({ kind: 'progress', text: `round trips: ${settings.roundTripsPerCell} calls per role × path through the handlers` });
  const roundTrips = await measureRoundTrips({ doc, tableName, counter, handlers, token, perCell: settings.roundTripsPerCell });

  void send({ kind: 'progress', text: `409 of a reseller with ${settings.conflictChildren} children, beside a 404 (${settings.conflictSamples} each)` });
  const conflict = await measureConflict({
    doc,
    tableName,
    counter,
    handler: handlers.deleteCustomer,
    token: await token('ADMIN', 'cf-admin-account', 'customers:delete'),
    children: settings.conflictChildren,
    samples: settings.conflictSamples,
    onProgress: (text) => void send({ kind: 'progress', text }),
  });

  void send({ kind: 'progress', text: `bulk: ${settings.bulkRounds} batches of ${settings.bulkPerRound} through runBatch, each beside its floor` });
  const bulk = await measureBulk({ doc, tableName, counter, recorder, rounds: settings.bulkRounds, perRound: settings.bulkPerRound, onProgress: (text) => void send({ kind: 'progress', text }) });

  void send({ kind: 'progress', text: `cascade: ${settings.cascadeRounds} customers × ${settings.cascadeDevices} devices through revoke-devices, each beside its floor` });
  const cascade = await measureCascadeRatio({ doc, tableName, rounds: settings.cascadeRounds, devices: settings.cascadeDevices, onProgress: (text) => void send({ kind: 'progress', text }) });

  const { devices, sessions, logins } = settings.full;
  void send({ kind: 'progress', text: `one customer's cascade: ${devices} devices, ${sessions} sessions, ${logins} logins; each consumer cut short once, then resumed` });
  const full = await measureFullCascade({
    doc,
    tableName,
    counter,
    sizes: settings.full,
    sesEndpoint: requireEnvVar('BENCH_SES_ENDPOINT'),
    workDir: requireEnvVar('BENCH_WORK_DIR'),
    onProgress: (text) => void send({ kind: 'progress', text }),
  });

  await send({ kind: 'result', result: { roundTrips, conflict, bulk, cascade, full } });
  client.destroy();
}

runChild(main);
