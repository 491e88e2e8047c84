// The ops API and webhook cases, run on every storage (memory, PostgreSQL or PGlite).
import { describe, expect, it } from 'vitest';
import type { Order } from '../../src/domain/order.js';
import type { StorageAdapter } from '../../src/ports/storage.js';
import { createHttpHandler } from '../../src/http/handler.js';
import { memoryIdempotencyStore } from '../../src/http/idempotency.js';
import { createFulfillment } from '../../src/index.js';
import { EAST, WEST, orderFor, stock } from '../helpers/shop.js';
import { type HttpShop, ORIGIN, TOKENS, httpShop } from './http-shop.js';

type Problem = { type: string; title: string; status: number; detail: string; code: string; details?: Record<string, unknown> };

async function problemOf(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect({ status: response.status, code: problem.code }).toEqual({ status, code });
  expect(problem.status).toBe(status);
  expect(problem.type).toBe(`urn:fulfillkit:problem:${code}`);
  return problem;
}

async function placed(s: HttpShop, lines: Record<string, number> = { 'TEE-M': 2, 'MUG-1': 1 }, extra = {}): Promise<Order> {
  await stock(s.ff, 'east', { 'TEE-M': 10, 'MUG-1': 5 }, { 'TEE-M': 'A-01-1', 'MUG-1': 'B-02-1' });
  return s.ff.orders.place(orderFor(lines, extra));
}

/** Register the HTTP cases for a storage factory; `pair` gives two adapters on one store (two server instances). */
export function describeHttpCases(name: string, storage: () => Promise<StorageAdapter>, pair: () => Promise<[StorageAdapter, StorageAdapter]>): void {
  const shop = async () => httpShop({ storage: await storage() });

  // Two servers, each with its own engine, on one store and the same providers.
  async function twoServers() {
    const [first, second] = await pair();
    const a = httpShop({ storage: first, handler: { idempotency: sharedIdempotency } });
    const engine = createFulfillment({ storage: second, clock: a.clock, locations: [EAST, WEST], carriers: [a.carrier], payments: a.payments, onBackgroundError: () => {} });
    const b = createHttpHandler(engine, {
      tokens: { [TOKENS.admin]: 'admin', [TOKENS.warehouse]: 'warehouse' },
      now: () => a.clock.now().getTime(),
      idempotency: sharedIdempotency,
    });
    return { a, b: (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => b(new Request(`${ORIGIN}${path}`, { method, body: JSON.stringify(body), headers: { authorization: `Bearer ${TOKENS.warehouse}`, 'content-type': 'application/json', ...headers } })) };
  }
  const sharedIdempotency = memoryIdempotencyStore();

  describe(`HTTP handler (${name})`, () => {
    it('walks an order from pick to delivery through the API and a carrier webhook', async () => {
      const s = await shop();
      const order = await placed(s);
      const list = await s.json<{ items: Order[]; nextCursor: string | null }>('GET', '/orders?status=processing&limit=10', { token: 'support' });
      expect(list.items.map((o) => o.id)).toEqual([order.id]);

      const wave = await s.json<{ rows: { sku: string; bin: string | null }[]; shipmentIds: string[] }>('POST', '/locations/east/pick-list', { token: 'warehouse', body: {}, status: 201 });
      expect(wave.rows.map((r) => r.bin)).toEqual(['A-01-1', 'B-02-1']);
      // The wave stays readable; reading it changes nothing.
      const again = await s.json<typeof wave>('GET', '/locations/east/pick-list', { token: 'warehouse' });
      expect(again).toEqual(wave);
      expect((await s.json<typeof wave>('POST', '/locations/east/pick-list', { token: 'warehouse', body: {}, status: 201 })).shipmentIds).toEqual([]);

      const shipmentId = wave.shipmentIds[0] as string;
      const picked = await s.json<{ order: Order; shipment: { status: string } }>('POST', `/shipments/${shipmentId}/pick`, {
        token: 'warehouse',
        body: { lines: [{ sku: 'TEE-M', quantity: 2 }, { sku: 'MUG-1', quantity: 1 }] },
      });
      expect(picked.shipment.status).toBe('picking');
      // A confirmed pick leaves the wave; it now waits to be packed.
      expect((await s.json<typeof wave>('GET', '/locations/east/pick-list', { token: 'warehouse' })).shipmentIds).toEqual([]);
      const packed = await s.json<{ packingSlip: { totalUnits: number; orderId: string } }>('POST', `/shipments/${shipmentId}/pack`, { token: 'warehouse', body: {} });
      expect(packed.packingSlip).toMatchObject({ orderId: order.id, totalUnits: 3 });
      const shipped = await s.json<{ label: { trackingNumber: string }; shipment: { status: string } }>('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse' });
      expect(shipped.shipment.status).toBe('shipped');
      expect(shipped.label.trackingNumber).toMatch(/\w+/);

      s.clock.advance(5 * 86_400_000);
      const hooks = await s.carrier.webhooksSince();
      expect(hooks.length).toBeGreaterThan(0);
      for (const hook of hooks) {
        const res = await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: hook.rawBody as string, headers: hook.headers as Record<string, string> });
        expect(res.status).toBe(200);
      }
      const delivered = await s.json<Order>('GET', `/orders/${order.id}`, { token: 'warehouse' });
      expect(delivered.status).toBe('delivered');
      // Delivering the same webhooks again applies nothing.
      const replay = await s.call('POST', '/webhooks/carriers/sandbox', { token: null, rawBody: hooks[0]?.rawBody as string, headers: hooks[0]?.headers as Record<string, string> });
      expect(((await replay.json()) as { applied: number }).applied).toBe(0);
      const history = await s.json<{ type: string }[]>('GET', `/orders/${order.id}/history`, { token: 'support' });
      expect(history.map((e) => e.type)).toContain('shipment.delivered');

      const rma = await s.json<{ id: string; status: string }>('POST', `/orders/${order.id}/returns`, {
        token: 'support',
        body: { lines: [{ sku: 'MUG-1', quantity: 1 }], reason: 'chipped' },
        status: 201,
      });
      const received = await s.json<{ status: string; refund: { amount: number } | null }>('POST', `/returns/${rma.id}/receive`, {
        token: 'warehouse',
        body: { lines: [{ sku: 'MUG-1', quantity: 1, restock: false }] },
      });
      expect(received.refund?.amount).toBeGreaterThan(0);
    });

    it('buys one label and captures once when two servers ship the same shipment at once', async () => {
      const { a, b } = await twoServers();
      const order = await placed(a);
      const shipmentId = order.shipments[0]?.id as string;
      await a.ff.fulfillment.pickList({ locationId: 'east' });
      await a.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 2 }, { sku: 'MUG-1', quantity: 1 }] });
      await a.ff.fulfillment.pack(shipmentId);
      const responses = await Promise.all([
        a.call('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse' }),
        b('POST', `/shipments/${shipmentId}/ship`, {}),
        a.call('POST', `/shipments/${shipmentId}/ship`, { token: 'warehouse' }),
        b('POST', `/shipments/${shipmentId}/ship`, {}),
      ]);
      const statuses = responses.map((r) => r.status);
      expect(statuses).toContain(200);
      for (const st of statuses) expect([200, 409]).toContain(st);
      expect(a.carrier.labels()).toHaveLength(1);
      expect(a.payments.ledger().filter((e) => e.operation === 'capture')).toHaveLength(1);
      const after = await a.ff.orders.get(order.id);
      expect(after?.status).toBe('shipped');
      expect((await a.ff.inventory.level('TEE-M')).onHand).toBe(8);
    });

    it('receives stock once when two servers get the same Idempotency-Key at once', async () => {
      const { a, b } = await twoServers();
      const body = { sku: 'CAP-9', locationId: 'east', quantity: 7 };
      const headers = { 'idempotency-key': 'dock-42' };
      const responses = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          i % 2 ? b('POST', '/inventory/receive', body, headers) : a.call('POST', '/inventory/receive', { token: 'warehouse', body, headers }),
        ),
      );
      for (const r of responses) expect([200, 409]).toContain(r.status);
      // With the key store shared by both servers (as several instances need), the units arrive once.
      expect((await a.ff.inventory.level('CAP-9')).onHand).toBe(7);
    });

    it('records a short pick', async () => {
      const s = await shop();
      const order = await placed(s, { 'TEE-M': 3 });
      await s.json('POST', '/locations/east/pick-list', { token: 'warehouse', body: {}, status: 201 });
      const shipmentId = order.shipments[0]?.id as string;
      const result = await s.json<{ order: Order }>('POST', `/shipments/${shipmentId}/pick`, { token: 'warehouse', body: { lines: [{ sku: 'TEE-M', quantity: 1 }] } });
      const line = result.order.lines[0];
      expect(line?.quantity).toBe(3);
      expect((line?.backordered ?? 0) + (line?.cancelled ?? 0)).toBe(2);
      const picked = result.order.shipments.find((x) => x.id === shipmentId)?.lines[0]?.picked;
      expect(picked).toBe(1);
    });

    it('receives stock once per Idempotency-Key and refuses the key for another body', async () => {
      const s = await shop();
      const body = { sku: 'CAP-1', locationId: 'east', quantity: 4 };
      const headers = { 'idempotency-key': 'receipt-77' };
      const first = await s.call('POST', '/inventory/receive', { token: 'warehouse', body, headers });
      const second = await s.call('POST', '/inventory/receive', { token: 'warehouse', body, headers });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(await second.json()).toEqual(await first.json());
      expect((await s.ff.inventory.level('CAP-1')).onHand).toBe(4);
      const other = await s.call('POST', '/inventory/receive', { token: 'warehouse', body: { ...body, quantity: 40 }, headers });
      await problemOf(other, 422, 'IDEMPOTENCY_CONFLICT');
      expect((await s.ff.inventory.level('CAP-1')).onHand).toBe(4);
    });

    it('runs a command once when many requests race with one Idempotency-Key', async () => {
      const s = await shop();
      const body = { sku: 'CAP-2', locationId: 'east', quantity: 3 };
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => s.call('POST', '/inventory/receive', { token: 'warehouse', body, headers: { 'idempotency-key': 'race-1' } })),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((x) => x === 200 || x === 409)).toBe(true);
      expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(1);
      expect((await s.ff.inventory.level('CAP-2')).onHand).toBe(3);
      const ledger = await s.json<unknown[]>('GET', '/inventory/CAP-2/ledger', { token: 'support' });
      expect(ledger).toHaveLength(1);
    });

    it('maps errors to problem details with one status per code', async () => {
      const s = await shop();
      const order = await placed(s);
      await problemOf(await s.call('GET', '/orders/ord_missing'), 404, 'NOT_FOUND');
      const invalid = await problemOf(await s.call('POST', '/inventory/receive', { body: { sku: 'TEE-M', locationId: 'east', quantity: -1 } }), 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(invalid.details)).toContain('quantity');
      await problemOf(await s.call('POST', `/orders/${order.id}/release`), 409, 'INVALID_TRANSITION');
      await problemOf(await s.call('POST', '/inventory/adjust', { body: { sku: 'TEE-M', locationId: 'east', delta: -1000, reason: 'count' } }), 409, 'INSUFFICIENT_STOCK');
      await problemOf(await s.call('POST', '/inventory/receive', { rawBody: '{"sku":', headers: { 'content-type': 'application/json' } }), 400, 'MALFORMED_BODY');
      await problemOf(await s.call('POST', '/inventory/receive', { rawBody: 'sku=TEE-M', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await problemOf(await s.call('GET', '/nowhere'), 404, 'ROUTE_NOT_FOUND');
      const wrongMethod = await s.call('DELETE', `/orders/${order.id}`);
      expect(wrongMethod.headers.get('allow')).toBe('GET');
      await problemOf(wrongMethod, 405, 'METHOD_NOT_ALLOWED');
      await problemOf(await s.call('POST', '/webhooks/carriers/nope', { token: null, rawBody: '{}' }), 404, 'NOT_FOUND');
      expect(s.errors).toEqual([]);
    });

    it('cancels and holds for support, and refuses other roles', async () => {
      const s = await shop();
      const order = await placed(s);
      await problemOf(await s.call('POST', `/orders/${order.id}/cancel`, { token: 'warehouse', body: { reason: 'x' } }), 403, 'FORBIDDEN');
      await problemOf(await s.call('POST', `/shipments/${order.shipments[0]?.id}/pick`, { token: 'support', body: { lines: [] } }), 403, 'FORBIDDEN');
      const held = await s.json<Order>('POST', `/orders/${order.id}/hold`, { token: 'support', body: { reason: 'address check' } });
      expect(held.status).toBe('on_hold');
      expect((await s.json<Order>('POST', `/orders/${order.id}/release`, { token: 'support' })).status).toBe('processing');
      expect((await s.json<Order>('POST', `/orders/${order.id}/cancel`, { token: 'support', body: { reason: 'fraud' } })).status).toBe('cancelled');
      expect((await s.ff.inventory.level('TEE-M')).reserved).toBe(0);
    });

    it('retries a declined payment and applies a verified payment webhook', async () => {
      const s = await shop();
      const declined = await placed(s, { 'TEE-M': 1 }, { payment: { method: 'tok_decline' } });
      expect(declined.status).toBe('payment_failed');
      // A decline is a result, as for orders.retryPayment: the order comes back in payment_failed.
      const declinedAgain = await s.json<Order>('POST', `/orders/${declined.id}/retry-payment`, { token: 'support', body: { method: 'tok_decline' } });
      expect(declinedAgain.status).toBe('payment_failed');
      expect(declinedAgain.payment.attempts).toBe(declined.payment.attempts + 1);
      const challenged = await s.json<Order>('POST', `/orders/${declined.id}/retry-payment`, { token: 'support', body: { method: 'tok_3ds' } });
      expect(challenged.status).toBe('pending_payment');
      const paymentId = challenged.payment.paymentId as string;
      await s.payments.completeAction(paymentId, 'approve');
      const hook = await s.webhook({ eventId: 'evt_http_1', paymentId, status: 'authorized' });
      const forged = await s.call('POST', '/webhooks/payments/sandbox', { token: null, rawBody: hook.rawBody.replace('authorized', 'captured'), headers: hook.headers });
      await problemOf(forged, 401, 'WEBHOOK_SIGNATURE_INVALID');
      expect((await s.ff.orders.get(declined.id))?.status).toBe('pending_payment');
      const ok = await s.call('POST', '/webhooks/payments/sandbox', { token: null, rawBody: hook.rawBody, headers: hook.headers });
      expect(await ok.json()).toEqual({ eventId: 'evt_http_1', orderId: declined.id, applied: true });
      expect((await s.ff.orders.get(declined.id))?.status).toBe('processing');
    });
  });
}
