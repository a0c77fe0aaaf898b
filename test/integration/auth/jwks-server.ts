import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake JWKS endpoint does with each request; can be swapped mid-test. */
export type JwksBehaviour =
  | { kind: 'serve'; body: unknown }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'raw'; body: string }
  | { kind: 'hang' };

export interface JwksServer {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>;
  behave(behaviour: JwksBehaviour): void;
  close(): Promise<void>;
}

/** A tiny JWKS endpoint on 127.0.0.1 (random port) for the verifier's integration tests. */
export async function startJwksServer(initial: JwksBehaviour): Promise<JwksServer> {
  let behaviour = initial;
  let requests = 0;
  const waiting: { count: number; resolve: () => void }[] = [];
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    requests += 1;
    for (const waiter of waiting.filter((w) => w.count <= requests)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve();
    }
    switch (behaviour.kind) {
      case 'serve':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(behaviour.body));
        return;
      case 'status':
        res.writeHead(behaviour.status, { 'content-type': 'application/json' }).end(behaviour.body);
        return;
      case 'raw':
        res.writeHead(200, { 'content-type': 'application/json' }).end(behaviour.body);
        return;
      case 'hang':
        return; // never answers; close() destroys the socket
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    received: (count) => (requests >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }))),
    behave(next) {
      behaviour = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

