import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookNotifier } from '../../src/notifiers/webhook/webhook-notifier.js';
import type { Notification } from '../../src/ports/notifier.js';
import { describeNotifierConformance } from '../../src/testing/notifier-conformance.js';
import { fakeClock } from '../../src/testing/fake-clock.js';
import { verifyWebhook } from '../../src/tracking/webhook-signature.js';

const SECRET = 'notify_secret';

// A receiving endpoint as a host would write it: verify, drop repeated keys, record.
interface Endpoint {
  received: Map<string, Notification[]>;
  requests: { path: string; headers: IncomingMessage['headers']; body: string }[];
  script: Map<string, number[]>;
}
const endpoint: Endpoint = { received: new Map(), requests: [], script: new Map() };
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', async () => {
      const path = req.url ?? '/';
      endpoint.requests.push({ path, headers: req.headers, body });
      const scripted = endpoint.script.get(path)?.shift();
      if (scripted === 0) return; // never answer: the client must time out
      if (scripted !== undefined) {
        res.writeHead(scripted).end('scripted');
        return;
      }
      try {
        await verifyWebhook({ secret: SECRET, payload: body, header: req.headers['fulfillkit-signature'] });
      } catch {
        res.writeHead(401).end('bad signature');
        return;
      }
      const inbox = endpoint.received.get(path) ?? [];
      const message = JSON.parse(body) as Notification;
      if (req.headers['idempotency-key'] !== message.idempotencyKey) {
        res.writeHead(400).end('key mismatch');
        return;
      }
      if (!inbox.some((m) => m.idempotencyKey === message.idempotencyKey)) inbox.push(message);
      endpoint.received.set(path, inbox);
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `m_${inbox.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let inboxes = 0;
const pathOf = new WeakMap<object, string>();
const notifierAt = (path: string, extra: Partial<Parameters<typeof webhookNotifier>[0]> = {}) => {
  const notifier = webhookNotifier({ url: `${base}${path}`, secret: SECRET, backoffMs: 5, ...extra });
  pathOf.set(notifier, path);
  return notifier;
};

describeNotifierConformance(
  'webhookNotifier',
  () => notifierAt(`/inbox/${++inboxes}`),
  {
    delivered: (n) => endpoint.received.get(pathOf.get(n) ?? '') ?? [],
    unavailable: () => notifierAt('/down', { url: 'http://127.0.0.1:9/unreachable', retries: 1 }),
  },
);

const message: Notification = {
  channel: 'email',
  to: 'ada@example.com',
  template: 'shipment.delivered',
  data: { orderId: 'ord_1' },
  idempotencyKey: 'ord_1:shipment.delivered',
};

describe('webhookNotifier', () => {
  it('signs with the clock and sends the documented body and headers', async () => {
    const start = Math.floor(Date.now() / 1000) * 1000;
    const clock = fakeClock(start);
    const notifier = notifierAt('/signed', { clock });
    expect(await notifier.send(message)).toEqual({ messageId: 'm_1' });
    const request = endpoint.requests.filter((r) => r.path === '/signed').at(-1)!;
    expect(JSON.parse(request.body)).toEqual(message);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe(message.idempotencyKey);
    expect(request.headers['fulfillkit-signature']).toMatch(new RegExp(`^t=${start / 1000},v1=[0-9a-f]{64}$`));
  });

  it('retries 5xx and 429 with backoff within the call', async () => {
    endpoint.script.set('/flaky', [503, 429]);
    expect(await notifierAt('/flaky').send(message)).toEqual({ messageId: 'm_1' });
    expect(endpoint.requests.filter((r) => r.path === '/flaky')).toHaveLength(3);
  });

  it('gives up with a retryable error when retries run out, including timeouts', async () => {
    endpoint.script.set('/down5', [500, 0]);
    await expect(notifierAt('/down5', { retries: 1, timeoutMs: 200 }).send(message)).rejects.toMatchObject({
      code: 'ADAPTER_ERROR',
      retryable: true,
      details: { attempts: 2, lastProblem: 'timed out after 200 ms' },
    });
  });

  it('does not retry a 4xx refusal', async () => {
    const notifier = webhookNotifier({ url: `${base}/wrong-secret`, secret: 'not-the-secret', backoffMs: 5 });
    await expect(notifier.send(message)).rejects.toMatchObject({ code: 'ADAPTER_ERROR', retryable: false, details: { status: 401 } });
    expect(endpoint.requests.filter((r) => r.path === '/wrong-secret')).toHaveLength(1);
  });
});
