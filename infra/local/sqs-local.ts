import type { Server } from 'node:http';
import { createSqsServer } from 'local-aws-sqs';
import { PortInUseError } from './ports';

export interface RunningSqs {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the in-process SQS emulator (JSON protocol, as the current SDK speaks it). */
export async function startSqsLocal(options: { port: number }): Promise<RunningSqs> {
  let server: Server;
  try {
    server = await createSqsServer({
      port: options.port,
      hostname: '127.0.0.1',
      // Tests and restarts recreate queues with the same names at once.
      emulateQueueCreationLifecycle: false,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(options.port, 'SQS emulator');
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
