import { queueUrlVariable, reconcile, variablesOf, type EnvName } from '../catalog';
import { DEFAULT_COMPLETION_SLA_HOURS, DEFAULT_REPUBLISH_AFTER_MINUTES } from '../config/stages';
import { logger } from '../../shared/observability/logger';
import { createReconcileHandler, ReconcileRunError, type ReconcileReport } from '../../shared/schedule/reconcile';
import { reconcilePortsFromEnv } from '../../shared/schedule/reconcile-composition';
import { integerOption, portOption, processOutput, runCommand, type CliOutput } from './cli-args';
import { LOCAL_CREDENTIALS } from './local-config';
import { readRuntimeInfo } from './runtime-info';

/**
 * `npm run reconcile`: one run of the reconciler (shared/schedule/reconcile.ts, the core the
 * scheduled function runs every 5 minutes in AWS) against the running local stack, whose table and
 * queues come from its runtime file (.local/runtime-<port>.json). It prints what it did; no metrics.
 */

export const reconcileCommand = {
  name: 'npm run reconcile',
  usage: [
    'Usage: npm run reconcile -- [options]',
    '',
    'One run of the reconciler on a running local stack: republishes the outbox events the relay never',
    'sent, asks again for receipts never signed, and lists the overdue requests.',
    '',
    `  --republish-after-minutes N  what counts as stuck: older than N minutes (default ${DEFAULT_REPUBLISH_AFTER_MINUTES}, as the stack)`,
    `  --sla-hours N                a request not SUCCESS N hours after its creation is overdue (default ${DEFAULT_COMPLETION_SLA_HOURS})`,
    '  --port N                     the running stack (default: 3000, else the only one running)',
    "  --runtime FILE               that stack's runtime file instead (.local/runtime-<port>.json)",
    '  -h, --help                   this text',
  ].join('\n'),
  options: {
    'republish-after-minutes': { type: 'string' },
    'sla-hours': { type: 'string' },
    port: { type: 'string' },
    runtime: { type: 'string' },
  },
} as const;

/** The report as plain lines: ids, queues, statuses and ages only. */
export function reportLines(report: ReconcileReport, settings: { republishAfterMinutes: number; completionSlaHours: number }): string[] {
  const lines: string[] = [];
  const byRequest = new Map<string, string[]>();
  for (const event of report.republished) byRequest.set(event.requestId, [...(byRequest.get(event.requestId) ?? []), event.queue]);
  lines.push(`republished ${report.republished.length} event(s) of ${byRequest.size} request(s) that the relay never sent (older than ${settings.republishAfterMinutes} minutes)${byRequest.size > 0 ? ':' : ''}`);
  for (const [requestId, queues] of byRequest) lines.push(`  ${requestId}  ${queues.join(', ')}`);
  if (report.republishFailed > 0) lines.push(`${report.republishFailed} event(s) could not be republished: they stay in the outbox for the next run`);
  lines.push(`re-asked ${report.reaskedReceipts.length} receipt(s)${report.reaskedReceipts.length > 0 ? ':' : ''}`);
  for (const requestId of report.reaskedReceipts) lines.push(`  ${requestId}`);
  lines.push(`${report.overdue.length} overdue request(s) (not SUCCESS ${settings.completionSlaHours} hours after creation)${report.overdue.length > 0 ? ':' : ''}`);
  for (const request of report.overdue) lines.push(`  ${request.requestId}  ${request.status}  ${request.ageHours.toFixed(1)} h`);
  if (report.truncated) lines.push('stopped early (time): run it again for the rest');
  return lines;
}

export function runReconcileCli(args: readonly string[], output: CliOutput = processOutput): Promise<number> {
  return runCommand(
    reconcileCommand,
    args,
    async (values) => {
      const settings = {
        republishAfterMinutes: integerOption(values['republish-after-minutes'], '--republish-after-minutes', 'a whole number of minutes, at least 1', 1) ?? DEFAULT_REPUBLISH_AFTER_MINUTES,
        completionSlaHours: integerOption(values['sla-hours'], '--sla-hours', 'a whole number of hours, at least 1', 1) ?? DEFAULT_COMPLETION_SLA_HOURS,
      };
      const port = portOption(values.port);
      const info = readRuntimeInfo({ ...(values.runtime !== undefined ? { file: values.runtime } : {}), ...(port !== undefined ? { port } : {}) });

      // The function's own variables, from the running stack: exactly those its declaration's links name.
      const known: Partial<Record<EnvName, string>> = {
        TABLE_NAME: info.tableName,
        COMPLETION_SLA_HOURS: String(settings.completionSlaHours),
        OUTBOX_REPUBLISH_AFTER_MINUTES: String(settings.republishAfterMinutes),
        ...Object.fromEntries(Object.values(info.queues).map((queue) => [queueUrlVariable(queue.id), queue.url])),
      };
      const env = Object.fromEntries(variablesOf(reconcile).filter((name) => !name.startsWith('POWERTOOLS_')).map((name) => [name, known[name]]));
      Object.assign(process.env, LOCAL_CREDENTIALS, { AWS_ENDPOINT_URL_DYNAMODB: info.dynamoEndpoint, AWS_ENDPOINT_URL_SQS: info.sqsEndpoint });
      // The run's JSON log lines are for CloudWatch; here its report is the answer.
      logger.setLogLevel('SILENT');

      const run = createReconcileHandler(reconcilePortsFromEnv(env, { record: () => undefined }));
      let report: ReconcileReport;
      try {
        report = await run({});
      } catch (error) {
        if (!(error instanceof ReconcileRunError)) throw error;
        for (const line of reportLines(error.report, settings)) output.out(line);
        return 1;
      }
      for (const line of reportLines(report, settings)) output.out(line);
      return 0;
    },
    output,
  );
}

if (require.main === module) {
  void runReconcileCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
