// Serving a node:http listener on an ephemeral loopback port for a test.
import { type RequestListener, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen on 127.0.0.1 with a free port; `close` ends the server and its connections. */
export async function serve(listener: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A shipped order's carrier webhooks, a few days after shipping. */
export async function shippedWithWebhooks(s: {
  ff: import('../../src/index.js').Fulfillment;
  clock: { advance(ms: number): unknown };
  carrier: { webhooksSince(): Promise<{ headers: Record<string, unknown>; rawBody: string | Uint8Array }[]> };
}) {
  await s.ff.inventory.receive({ sku: 'TEE-M', locationId: 'east', quantity: 5 });
  const { orderFor } = await import('../helpers/shop.js');
  const order = await s.ff.orders.place(orderFor({ 'TEE-M': 1 }));
  const shipmentId = order.shipments[0]?.id as string;
  await s.ff.fulfillment.pickList({ locationId: 'east' });
  await s.ff.fulfillment.confirmPick(shipmentId, { lines: [{ sku: 'TEE-M', quantity: 1 }] });
  await s.ff.fulfillment.pack(shipmentId);
  await s.ff.fulfillment.ship(shipmentId);
  s.clock.advance(5 * 86_400_000);
  const hooks = await s.carrier.webhooksSince();
  return { order, hooks: hooks.map((h) => ({ headers: h.headers as Record<string, string>, rawBody: h.rawBody as string })) };
}
