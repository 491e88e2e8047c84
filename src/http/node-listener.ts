// Adapter from a Fetch handler to a `node:http` request listener (plain Node,
// Express, Fastify's raw routes): the body is streamed through untouched, so
// webhook signatures verify over the exact bytes received. It uses only the
// types of `node:http`, so importing it costs other runtimes nothing.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FetchHandler } from './handler.js';

/** A `node:http` request listener, also accepted by Express as middleware. */
export type NodeListener = (req: IncomingMessage & { rawBody?: Uint8Array; body?: unknown; originalUrl?: string }, res: ServerResponse, next?: (err?: unknown) => void) => void;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Scheme and host requests are addressed to, e.g. `https://shop.example`. Pin it behind a proxy: the `Host` header is the client's word.
   * @defaultValue `http://` plus the Host header
   */
  origin?: string;
}

function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Uint8Array) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) req.pause();
      });
      req.on('end', () => controller.close());
      req.on('error', (err) => controller.error(err));
    },
    pull() {
      req.resume();
    },
    cancel() {
      // Refused (too large): drain without keeping anything so the answer can be sent.
      req.removeAllListeners('data');
      req.resume();
    },
  });
}

/**
 * Wrap a Fetch handler as a `node:http` listener. Mount it before any body
 * parser; when one already consumed the stream, the bytes it kept are used
 * instead (`req.body` from `express.raw()`, or `req.rawBody` from a `verify`
 * hook). A body parsed into an object cannot be verified: webhooks then fail.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createHttpHandler, toNodeListener } from 'fulfillkit/http';
 *
 * createServer(toNodeListener(createHttpHandler(ff, { token }))).listen(3000);
 * ```
 */
export function toNodeListener(handler: FetchHandler | ((request: Request) => Response | Promise<Response>), options: NodeListenerOptions = {}): NodeListener {
  return (req, res, next) => {
    const origin = options.origin ?? `http://${req.headers.host ?? 'localhost'}`;
    const url = new URL(req.originalUrl ?? req.url ?? '/', origin);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) headers.append(name, v);
      else headers.set(name, value);
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const consumed = req.readableEnded || (req as { complete?: boolean }).complete === true;
    let body: BodyInit | null = null;
    // express.raw() leaves the bytes in req.body; a verify hook may have kept them in req.rawBody.
    const kept = req.rawBody ?? (req.body instanceof Uint8Array ? req.body : undefined);
    if (hasBody) body = kept ? new Uint8Array(kept) : consumed ? null : bodyStream(req);
    const request = new Request(url, { method, headers, body, signal: controller.signal, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) } as RequestInit);
    Promise.resolve()
      .then(() => handler(request))
      .then(async (response) => {
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          if (name !== 'set-cookie') out[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) out['set-cookie'] = cookies;
        res.writeHead(response.status, out);
        res.end(method === 'HEAD' || !response.body ? undefined : new Uint8Array(await response.arrayBuffer()));
      })
      .catch((err: unknown) => {
        if (next) return next(err);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal error');
      });
  };
}
