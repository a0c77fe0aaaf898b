import { createServer } from 'node:http';
import { createRequestHandler } from 'local-aws-sqs';
import { PortInUseError } from './ports';

export interface RunningSqs {
  endpoint: string;
  stop(): Promise<void>;
}

/** Starts the in-process SQS emulator (JSON protocol, as the current SDK speaks it). */
export async function startSqsLocal(options: { port: number }): Promise<RunningSqs> {
  const { requestHandler } = createRequestHandler({
    port: options.port,
    hostname: '127.0.0.1',
    // Tests and restarts recreate queues with the same names at once.
    emulateQueueCreationLifecycle: false,
  });
  // Our own server, not the package's createSqsServer: that one never rejects, so a taken port
  // surfaced as an unhandled 'error' event (a crash with a stack trace) instead of PortInUseError.
  const server = createServer((req, res) => void requestHandler(req, res));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port, 'SQS emulator') : error);
    server.once('error', onError);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
