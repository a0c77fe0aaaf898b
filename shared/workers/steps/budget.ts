import { consumerOf, type StepName } from '../../../infra/catalog';

/**
 * How long a step's run may keep starting work: its function's timeout less a reserve (a sixth of
 * the timeout, at most 30 s, the split step's), in which the work in flight finishes and the attempt
 * is recorded as failed, so SQS retries it and the retry resumes after what is done. A 30-s consumer
 * starts nothing after 25 s.
 */
export function workBudgetMs(step: StepName): number {
  const timeoutMs = consumerOf(step).timeoutSeconds * 1000;
  return timeoutMs - Math.min(30_000, Math.ceil(timeoutMs / 6));
}
