import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_METRICS } from '../../infra/catalog';
import type { DeletionMode, RequestType } from '../domain/model';
import { errorName } from '../domain/safe-error';
import { logger } from './logger';

/**
 * The service's business signals, as a port: the HTTP layer, the stores and the cascade consumer say what happened,
 * and this decides how it is published. What goes in is codes, types, modes, step names and durations: nothing here
 * takes an id, a name or an address, so no metric can carry personal data.
 */
export interface ServiceMetrics {
  /** A request was committed (not a dry run, not an idempotent replay). */
  deletionAccepted(type: RequestType, mode: DeletionMode): void;
  /** The API answered 4xx with this code (v1 `code` or v2 `errorCode`). */
  refused(code: string): void;
  /** A request turned SUCCESS this long after its creation. */
  requestSucceeded(type: RequestType, elapsedMs: number): void;
  /** A request's last access step succeeded (its `accessRevokedAt` was set) this long after its creation. */
  accessCutOff(type: RequestType, elapsedMs: number): void;
  /** A step attempt failed: SQS retries it (`will-retry`) or it is FAILED (`failed`). */
  stepFailed(step: string, outcome: 'will-retry' | 'failed'): void;
}

/** Publishes nothing: outside Lambda (the local stack, the tests) and wherever a caller wants silence. */
export const noMetrics: ServiceMetrics = {
  deletionAccepted: () => undefined,
  refused: () => undefined,
  requestSucceeded: () => undefined,
  accessCutOff: () => undefined,
  stepFailed: () => undefined,
};

type Unit = Parameters<Metrics['addMetric']>[1];

/** A code as a dimension value: the service's codes are upper-case constants; anything else is not one of ours. */
const CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
export function codeDimension(code: string | undefined): string {
  return code !== undefined && CODE.test(code) ? code : 'OTHER';
}

/**
 * The metrics as CloudWatch EMF lines through Powertools Metrics (SERVICE_METRICS, infra/catalog.ts). Each signal is
 * published at once as its own line (`singleMetric`): callers need no flush middleware, and a metric of a write that
 * is retried is published once, after the write. `function_name` is a dimension (as the reconciler's), so stages
 * sharing an account stay apart; `service` is POWERTOOLS_SERVICE_NAME. Powertools honours POWERTOOLS_METRICS_DISABLED.
 */
export function powertoolsServiceMetrics(functionName: string): ServiceMetrics {
  const metrics = new Metrics({ namespace: SERVICE_METRICS.namespace, defaultDimensions: { function_name: functionName } });
  const publish = (name: string, unit: Unit, value: number, dimensions: Record<string, string>) => {
    try {
      const single = metrics.singleMetric();
      for (const [key, dimension] of Object.entries(dimensions)) single.addDimension(key, dimension);
      single.addMetric(name, unit, value);
    } catch (error) {
      // A metric never fails the deletion, the answer or the step it describes.
      logger.warn('metric not published', { metric: name, error: errorName(error) });
    }
  };
  const duration = (ms: number) => Math.max(0, Math.round(ms));
  return {
    deletionAccepted: (type, mode) => publish(SERVICE_METRICS.deletionsAccepted, MetricUnit.Count, 1, { type, mode }),
    refused: (code) => publish(SERVICE_METRICS.refusals, MetricUnit.Count, 1, { code: codeDimension(code) }),
    requestSucceeded: (type, ms) => publish(SERVICE_METRICS.timeToSuccess, MetricUnit.Milliseconds, duration(ms), { type }),
    accessCutOff: (type, ms) => publish(SERVICE_METRICS.timeToAccessCutOff, MetricUnit.Milliseconds, duration(ms), { type }),
    stepFailed: (step, outcome) => publish(SERVICE_METRICS.stepFailures, MetricUnit.Count, 1, { step, outcome }),
  };
}

/**
 * The metrics a function publishes, chosen once from its environment: in Lambda (AWS_LAMBDA_FUNCTION_NAME, set by the
 * runtime) the EMF ones; elsewhere none, because an EMF line means something only in a Lambda log group, and the local
 * stack and the tests would otherwise print one JSON line per deletion, refusal and step failure.
 */
export function serviceMetricsFor(env: NodeJS.ProcessEnv): ServiceMetrics {
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  return functionName !== undefined && functionName !== '' ? powertoolsServiceMetrics(functionName) : noMetrics;
}

let current: ServiceMetrics | undefined;

/** This process's metrics (built on first use, from process.env): the default of every publisher's `metrics` port. */
export const serviceMetrics: ServiceMetrics = {
  deletionAccepted: (...args) => resolved().deletionAccepted(...args),
  refused: (...args) => resolved().refused(...args),
  requestSucceeded: (...args) => resolved().requestSucceeded(...args),
  accessCutOff: (...args) => resolved().accessCutOff(...args),
  stepFailed: (...args) => resolved().stepFailed(...args),
};

function resolved(): ServiceMetrics {
  current ??= serviceMetricsFor(process.env);
  return current;
}
