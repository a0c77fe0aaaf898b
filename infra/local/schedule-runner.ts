import type { ScheduleSpec } from '../catalog';
import { invokeWithTimeout, type AsyncHandler } from './lambda-runtime';
import type { StackLog } from './stack';

/**
 * A catalog schedule in the local stack: its function invoked every `localIntervalMs` while the
 * stack runs, as EventBridge Scheduler invokes it in AWS (the same handler module, its own
 * environment, its timeout enforced). Runs never overlap: the next waits for the previous one to
 * end. stop() cancels the next run and waits for the one in progress, so nothing runs against
 * emulators that are shutting down.
 */
export class ScheduleRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly options: { fn: ScheduleSpec; handler: AsyncHandler<unknown, unknown>; log: StackLog; intervalMs?: number }) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** One run now (tests drive it by hand); the outcome is logged, as Lambda's would be, and a failure is rethrown. */
  async runOnce(): Promise<unknown> {
    const { fn, handler } = this.options;
    return invokeWithTimeout(handler, { source: 'local.schedule', 'detail-type': 'Scheduled Event' }, fn);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().then(
        () => undefined,
        (error: unknown) => this.options.log.error(`${this.options.fn.name} run failed`, { error: error instanceof Error ? error.name : String(error) }),
      );
      void this.running.then(() => this.schedule());
    }, this.options.intervalMs ?? this.options.fn.localIntervalMs);
  }
}
