import type { Server } from 'node:http';
import startSesServer from 'aws-ses-v2-local';
import { PortInUseError } from './ports';

export interface RunningSes {
  /** The SES v2 API (AWS_ENDPOINT_URL_SESV2), its web viewer at `/` and what was sent at `GET /store`. */
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts the SES v2 emulator (aws-ses-v2-local) in this process. The send-email step reaches it
 * through the same SesMailSender it uses in AWS; only the endpoint differs.
 *
 * Its sent messages live in one store per loaded copy of the package, not per server: two emulators
 * in one process share what they hold, so a stack and its tests read it by recipient.
 */
export async function startSesLocal(options: { port?: number } = {}): Promise<RunningSes> {
  const port = options.port ?? 0;
  // The package resolves even when the bind fails (its listen callback receives the error and
  // ignores it): an address-less server is how a taken port shows.
  const server: Server = await startSesServer({ host: '127.0.0.1', port });
  const address = server.address();
  if (typeof address !== 'object' || !address) {
    server.close();
    throw new PortInUseError(port, 'SES emulator');
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
