// Properties of the HTTP surface under arbitrary input (fast-check): no
// request makes it fail with a 5xx or answer without a problem document, and
// payment webhooks converge however they are repeated and reordered.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderFor, stock } from '../helpers/shop.js';
import { consoleLogin } from './console-session.js';
import { httpShop } from './http-shop.js';

const segment = fc.oneof(
  fc.constantFrom('orders', 'inventory', 'shipments', 'locations', 'returns', 'webhooks', 'carriers', 'payments', 'console', 'pick-list', 'ledger', 'cancel', 'pack', 'east', 'sandbox', 'TEE-M', '%E0%A4%A', '..', 'openapi.json'),
  fc.string({ maxLength: 12 }).map((s) => encodeURIComponent(s)),
);

describe('HTTP properties', () => {
  it('answers any method, path and body with a success or a problem document, never a 5xx', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 50 });
    await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.array(segment, { minLength: 0, maxLength: 4 }),
        fc.oneof(fc.constant(undefined), fc.json(), fc.string({ maxLength: 40 })),
        fc.constantFrom('admin', 'warehouse', 'support', null),
        async (method, parts, body, token) => {
          const path = `/${parts.join('/')}`;
          const res = await s.call(method, path, { token, ...(body === undefined || method === 'GET' ? {} : { rawBody: body, headers: { 'content-type': 'application/json' } }) });
          expect(res.status, `${method} ${path}`).toBeLessThan(500);
          const type = res.headers.get('content-type') ?? '';
          if (res.status >= 400 && !path.startsWith('/console')) {
            expect(type, `${method} ${path}`).toBe('application/problem+json');
            const problem = (await res.json()) as { status: number; code: string };
            expect(problem.status).toBe(res.status);
            expect(typeof problem.code).toBe('string');
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(s.errors).toEqual([]);
  });

  it('answers any console form post of a logged-in user without a 5xx', async () => {
    const s = httpShop();
    await stock(s.ff, 'east', { 'TEE-M': 50 });
    const order = await s.ff.orders.place(orderFor({ 'TEE-M': 2 }));
    const shipmentId = order.shipments[0]?.id as string;
    const user = await consoleLogin(s, 'admin');
    const value = fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: -5, max: 5 }).map(String), fc.constant(''), fc.constant('1e309'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/console/pick/east/start',
          `/console/shipments/${shipmentId}/pick`,
          `/console/shipments/${shipmentId}/pack`,
          `/console/shipments/${shipmentId}/ship`,
          '/console/stock/receive',
          `/console/orders/${order.id}/hold`,
          `/console/orders/${order.id}/release`,
          `/console/orders/${order.id}/returns`,
          '/console/returns/rma_x/receive',
          '/console/logout-not',
        ),
        fc.dictionary(fc.constantFrom('qty:TEE-M', 'qty:<b>', 'sku', 'locationId', 'quantity', 'bin', 'reason', '_key', 'restock:TEE-M'), value),
        async (path, fields) => {
          const res = await user.post(path, fields);
          expect(res.status, `${path} ${JSON.stringify(fields)}`).toBeLessThan(500);
        },
      ),
      { numRuns: 200 },
    );
    expect(s.errors).toEqual([]);
  });

  it('converges on one authorization whatever the order and repetition of payment webhooks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('requires_action', 'authorized', 'failed') as fc.Arbitrary<'requires_action' | 'authorized' | 'failed'>, { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (statuses, approve) => {
          const s = httpShop();
          await stock(s.ff, 'east', { 'TEE-M': 5 });
          const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }, { payment: { method: 'tok_3ds' } }));
          const paymentId = order.payment.paymentId as string;
          await s.payments.completeAction(paymentId, approve ? 'approve' : 'decline');
          const results = [];
          for (const [i, status] of statuses.entries()) {
            const hook = await s.webhook({ eventId: `evt_${i % 3}`, paymentId, status });
            const res = await s.call('POST', '/webhooks/payments/sandbox', { token: null, rawBody: hook.rawBody, headers: hook.headers });
            expect(res.status).toBe(200);
            results.push((await res.json()) as { applied: boolean });
          }
          const after = await s.ff.orders.get(order.id);
          expect(after?.status).toBe(approve ? 'processing' : 'payment_failed');
          expect(results.filter((r) => r.applied)).toHaveLength(1);
          const history = await s.ff.orders.history(order.id);
          expect(history.filter((e) => e.type === 'payment.authorized' || e.type === 'order.payment_failed')).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});
