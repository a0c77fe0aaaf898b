import { request, type OutgoingHttpHeaders, type IncomingHttpHeaders } from 'node:http';

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * One HTTP request with node:http, not fetch: a test can send a header twice (fetch merges
 * repeats into one line) and any method or raw path.
 */
export function httpRequest(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    // Node sends a DELETE body with neither Content-Length nor chunking unless told its length.
    const length = options.body === undefined ? {} : { 'content-length': Buffer.byteLength(options.body) };
    const req = request(url, { method: options.method ?? 'GET', headers: { ...length, ...options.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
