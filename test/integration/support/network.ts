import { createServer, type AddressInfo, type Server } from 'node:net';

/**
 * An origin nothing can listen on, so connecting to it is always refused: port 0 is never a
 * listening port (listen(0) binds some other, free one). Unlike a port probed free and released, no
 * other process can take it meanwhile. For fetch only: Node's http module (and so the AWS SDK)
 * reads port 0 as "the default port"; use startResettingServer there.
 */
export const NOTHING_LISTENS = 'http://127.0.0.1:0';

export interface ResettingServer {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * A dependency that is down, for clients that cannot be pointed at NOTHING_LISTENS: a port we hold
 * ourselves (bound on port 0, so nothing else can answer there) that drops every connection the
 * moment it arrives.
 */
export async function startResettingServer(): Promise<ResettingServer> {
  const server: Server = createServer((socket) => socket.resetAndDestroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
