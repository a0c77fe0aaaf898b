import type { Server } from 'node:net';

/** Thrown when a port the user asked for is taken: the CLI prints its message as one line. */
export class PortInUseError extends Error {
  constructor(public readonly port: number, what: string) {
    super(`Port ${port} is already in use (${what}). Stop whatever holds it or choose another with --port.`);
    this.name = 'PortInUseError';
  }
}

/**
 * Listens on `host:port` and returns the port actually bound. Port 0 lets the OS pick a free one
 * at bind time, which cannot race (never probe a port, release it, then bind it again). A taken
 * port is a PortInUseError naming `what`.
 */
export async function listenOn(server: Server, port: number, what: string, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, what) : error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error(`${what} is not listening on a TCP port`);
  return address.port;
}
