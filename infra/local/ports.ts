import { createServer } from 'node:net';

/** Thrown when a port the user asked for is taken: the CLI prints its message as one line. */
export class PortInUseError extends Error {
  constructor(public readonly port: number, what: string) {
    super(`Port ${port} is already in use (${what}). Stop whatever holds it or choose another with --port.`);
    this.name = 'PortInUseError';
  }
}

/** Asks the OS for a free loopback port (for the emulators behind the HTTP port). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
