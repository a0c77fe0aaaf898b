import { createServer } from 'node:http';
import { createRequestHandler } from 'local-aws-sqs';
import { listenOn } from './ports';

export interface RunningSqs {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the in-process SQS emulator (JSON protocol, as the current SDK speaks it). Without a port
 * it listens on port 0 (the OS picks a free one at bind time, so it cannot race) and its endpoint
 * names the port it got.
 */
export async function startSqsLocal(options: { port?: number } = {}): Promise<RunningSqs> {
  const { requestHandler, service } = createRequestHandler({
    port: options.port ?? 0,
    hostname: '127.0.0.1',
    // Tests and restarts recreate queues with the same names at once.
    emulateQueueCreationLifecycle: false,
  });
  // Our own server, not the package's createSqsServer: that one never rejects, so a taken port
  // surfaced as an unhandled 'error' event (a crash with a stack trace) instead of PortInUseError.
  const server = createServer((req, res) => void requestHandler(req, res));
  const port = await listenOn(server, options.port ?? 0, 'SQS emulator');
  // Queue URLs carry the port: the one bound, as the package's own createSqsServer does.
  service.PORT = port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
