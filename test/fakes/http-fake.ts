// A loopback HTTP server for provider fakes: routing, request log and
// injected faults (status codes, error bodies, delays, lost replies).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake's route sees it. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A route's answer. */
export interface FakeResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A fault for the next matching request:
 * - `status`: answer `status` with `body` and do nothing;
 * - `lose-reply`: do the work, then cut the connection before answering;
 * - `drop`: cut the connection without doing anything;
 * - `delay`: wait `ms` before doing the work and answering;
 * - `hang`: answer nothing for `ms`, then cut the connection without doing anything.
 */
export type Fault =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; match?: RegExp }
  | { kind: 'lose-reply'; match?: RegExp }
  | { kind: 'drop'; match?: RegExp }
  | { kind: 'delay'; ms: number; match?: RegExp }
  | { kind: 'hang'; ms: number; match?: RegExp };

export type Route = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface HttpFake {
  url: string;
  port: number;
  /** Every request received, oldest first. */
  requests: FakeRequest[];
  /** Queue a fault; each fault applies to one request (the first whose `METHOD path` matches). */
  inject(fault: Fault): void;
  close(): Promise<void>;
}

export async function startHttpFake(route: Route): Promise<HttpFake> {
  const faults: Fault[] = [];
  const requests: FakeRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    void serve(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(request);
    const index = faults.findIndex((f) => f.match === undefined || f.match.test(`${request.method} ${request.path}`));
    const fault = index >= 0 ? faults.splice(index, 1)[0] : undefined;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      await new Promise((r) => setTimeout(r, fault.ms));
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      send(res, { status: fault.status, body: fault.body ?? { error: 'injected' }, ...(fault.headers ? { headers: fault.headers } : {}) });
      return;
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
    let answer: FakeResponse;
    try {
      answer = await route(request);
    } catch (err) {
      answer = { status: 500, body: { error: String(err) } };
    }
    if (fault?.kind === 'lose-reply') {
      req.socket.destroy();
      return;
    }
    if (!res.destroyed) send(res, answer);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    inject: (fault) => faults.push(fault),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, answer: FakeResponse): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
  res.end(text);
}

/** Parse an `application/x-www-form-urlencoded` body with bracket keys (`a[b][0]=x`) into nested values. */
export function parseForm(body: string | URLSearchParams): Record<string, unknown> {
  const params = typeof body === 'string' ? new URLSearchParams(body) : body;
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return arraysOf(root) as Record<string, unknown>;
}

// Objects whose keys are 0..n-1 become arrays.
function arraysOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, arraysOf(v)] as const);
  if (entries.length > 0 && entries.every(([k], i) => k === String(i))) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}

/** The conformance kits' backend faults as fake-server faults on requests matching `match`. */
export function backendFault(
  fault: 'server_error' | 'rate_limited' | 'timeout' | 'network_error' | 'client_error' | 'error_body' | 'lost_reply',
  match: RegExp,
  shapes: { errorBody: unknown; hangMs: number; closedConnectionRetries?: number },
): Fault[] {
  // Clients that retry a closed connection on their own need the fault once more per retry.
  const repeat = (f: Fault): Fault[] => Array.from({ length: 1 + (shapes.closedConnectionRetries ?? 0) }, () => f);
  switch (fault) {
    case 'server_error':
      return [{ kind: 'status', status: 503, body: shapes.errorBody, match }];
    case 'rate_limited':
      return [{ kind: 'status', status: 429, body: shapes.errorBody, match }];
    case 'client_error':
      return [{ kind: 'status', status: 400, body: shapes.errorBody, match }];
    case 'error_body':
      return [{ kind: 'status', status: 200, body: shapes.errorBody, match }];
    case 'timeout':
      return [{ kind: 'hang', ms: shapes.hangMs, match }];
    case 'network_error':
      return repeat({ kind: 'drop', match });
    case 'lost_reply':
      return repeat({ kind: 'lose-reply', match });
  }
}
