// The ops API and the webhook endpoints as one route table over the
// fulfillment facade. Bodies are validated by the commands themselves; the
// schemas here are the same ones, for the OpenAPI document.
import { z } from 'zod';
import { FulfillmentError, parseInput } from '../domain/errors.js';
import { adjustInputSchema, inventoryLevelSchema, receiveInputSchema, stockMovementSchema } from '../domain/inventory.js';
import { orderSchema } from '../domain/order.js';
import { paymentInputSchema } from '../domain/payment.js';
import { returnReceiveInputSchema, returnRequestInputSchema, returnRequestSchema } from '../domain/return.js';
import { parcelSchema } from '../domain/shipment.js';
import type { Fulfillment } from '../engine/create-fulfillment.js';
import {
  domainEventSchema,
  healthSchema,
  orderListQuerySchema,
  orderPageSchema,
  packResultSchema,
  paymentWebhookResultSchema,
  pickListSchema,
  pickResultSchema,
  reasonBodySchema,
  shipResultSchema,
  startPickBodySchema,
  trackingBatchSchema,
} from './api-schemas.js';
import { confirmPickOutcome, packOutcome, shipOutcome } from './command-results.js';
import { openApiDocument } from './openapi.js';
import { currentWave } from './pick-wave.js';
import type { ApiRoute, RouteCall } from './router.js';

const pickBodySchema = z.strictObject({ lines: z.array(z.strictObject({ sku: z.string().min(1), quantity: z.number().int().nonnegative() })) });
const packBodySchema = z.strictObject({ parcels: z.array(parcelSchema).min(1).optional() });
const shipBodySchema = z.strictObject({ carrier: z.string().min(1).optional(), service: z.string().min(1).optional() });

const param = (call: RouteCall, name: string): string => call.params[name] as string;
const body = <S extends z.ZodType>(schema: S, call: RouteCall, what: string): z.output<S> => parseInput(schema, call.body, what);

/**
 * Every API route over `ff`: what the handler serves and the OpenAPI document describes.
 *
 * @example
 * ```ts
 * for (const r of apiRoutes(ff)) console.log(r.method, r.path, r.access);
 * ```
 */
export function apiRoutes(ff: Fulfillment, options: { basePath?: string } = {}): ApiRoute[] {
  let document: Record<string, unknown> | null = null;
  const routes: ApiRoute[] = [
    { method: 'GET', path: '/health', operationId: 'health', summary: 'Liveness check', tag: 'meta', access: 'open', response: healthSchema, run: async () => ({ status: 'ok' }) },

    // ---- webhooks ---------------------------------------------------------
    {
      method: 'POST',
      path: '/webhooks/carriers/:id',
      operationId: 'carrierWebhook',
      summary: 'Receive a carrier tracking webhook (verified over the raw body)',
      tag: 'webhooks',
      access: 'webhook',
      response: trackingBatchSchema,
      run: (call) => ff.tracking.handleWebhook(param(call, 'id'), { headers: call.headers, rawBody: call.rawBody }),
    },
    {
      method: 'POST',
      path: '/webhooks/payments/:id',
      operationId: 'paymentWebhook',
      summary: 'Receive a payment provider webhook (verified over the raw body)',
      tag: 'webhooks',
      access: 'webhook',
      response: paymentWebhookResultSchema,
      run: async (call) => {
        const { eventId, orderId, applied } = await ff.payments.handleWebhook(param(call, 'id'), { headers: call.headers, rawBody: call.rawBody });
        return { eventId, orderId, applied };
      },
    },

    // ---- orders -----------------------------------------------------------
    {
      method: 'GET',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'List orders, optionally of one status, oldest first, paged by cursor',
      tag: 'orders',
      access: 'read',
      query: orderListQuerySchema,
      response: orderPageSchema,
      run: (call) => {
        const q = parseInput(orderListQuerySchema, call.query, 'order query');
        return ff.orders.list({ status: q.status, cursor: q.cursor ?? null, limit: q.limit ?? 50 });
      },
    },
    {
      method: 'GET',
      path: '/orders/:id',
      operationId: 'getOrder',
      summary: 'One order',
      tag: 'orders',
      access: 'read',
      response: orderSchema,
      run: async (call) => {
        const order = await ff.orders.get(param(call, 'id'));
        if (!order) throw new FulfillmentError('NOT_FOUND', `Order ${param(call, 'id')} not found`, { details: { orderId: param(call, 'id') } });
        return order;
      },
    },
    {
      method: 'GET',
      path: '/orders/:id/history',
      operationId: 'orderHistory',
      summary: "The order's domain events, oldest first",
      tag: 'orders',
      access: 'read',
      response: z.array(domainEventSchema),
      run: (call) => ff.orders.history(param(call, 'id')),
    },
    {
      method: 'POST',
      path: '/orders/:id/cancel',
      operationId: 'cancelOrder',
      summary: 'Cancel the order, or what has not shipped yet',
      tag: 'orders',
      access: 'cancel',
      body: reasonBodySchema,
      response: orderSchema,
      run: (call) => ff.orders.cancel(param(call, 'id'), body(reasonBodySchema, call, 'cancel request')),
    },
    {
      method: 'POST',
      path: '/orders/:id/hold',
      operationId: 'holdOrder',
      summary: 'Put an order that has not shipped on hold',
      tag: 'orders',
      access: 'hold',
      body: reasonBodySchema,
      response: orderSchema,
      run: (call) => ff.orders.hold(param(call, 'id'), body(reasonBodySchema, call, 'hold request')),
    },
    {
      method: 'POST',
      path: '/orders/:id/release',
      operationId: 'releaseHold',
      summary: 'Release a hold; the order resumes where it was',
      tag: 'orders',
      access: 'hold',
      response: orderSchema,
      run: (call) => ff.orders.releaseHold(param(call, 'id')),
    },
    {
      method: 'POST',
      path: '/orders/:id/retry-payment',
      operationId: 'retryPayment',
      summary: 'Authorize again with a new payment method after a decline',
      tag: 'orders',
      access: 'retryPayment',
      body: paymentInputSchema,
      response: orderSchema,
      run: (call) => ff.orders.retryPayment(param(call, 'id'), body(paymentInputSchema, call, 'payment')),
    },
    {
      method: 'POST',
      path: '/orders/:id/returns',
      operationId: 'requestReturn',
      summary: 'Open a return (RMA) for delivered units',
      tag: 'returns',
      access: 'returns.request',
      body: returnRequestInputSchema,
      response: returnRequestSchema,
      status: 201,
      run: (call) => ff.returns.request(param(call, 'id'), body(returnRequestInputSchema, call, 'return request')),
    },

    // ---- picking, packing, shipping --------------------------------------
    {
      method: 'GET',
      path: '/locations/:id/pick-list',
      operationId: 'currentPickList',
      summary: 'The pick wave in progress at a location, in walking order (read-only)',
      tag: 'fulfillment',
      access: 'read',
      response: pickListSchema,
      run: (call) => currentWave(ff, param(call, 'id')),
    },
    {
      method: 'POST',
      path: '/locations/:id/pick-list',
      operationId: 'startPickList',
      summary: "Start a pick wave: batch the location's pending shipments into one bin-sorted list",
      tag: 'fulfillment',
      access: 'pick',
      body: startPickBodySchema,
      response: pickListSchema,
      status: 201,
      run: (call) => {
        const { limit } = body(startPickBodySchema, call, 'pick list request');
        return ff.fulfillment.pickList({ locationId: param(call, 'id'), ...(limit === undefined ? {} : { limit }) });
      },
    },
    {
      method: 'POST',
      path: '/shipments/:id/pick',
      operationId: 'confirmPick',
      summary: 'Record the units picked; fewer than asked is a short pick',
      tag: 'fulfillment',
      access: 'pick',
      body: pickBodySchema,
      response: pickResultSchema,
      run: (call) => confirmPickOutcome(ff, param(call, 'id'), body(pickBodySchema, call, 'pick confirmation').lines),
    },
    {
      method: 'POST',
      path: '/shipments/:id/pack',
      operationId: 'packShipment',
      summary: 'Pack a picked shipment (cartons chosen when parcels are omitted); returns the packing slip',
      tag: 'fulfillment',
      access: 'pack',
      body: packBodySchema,
      response: packResultSchema,
      run: (call) => packOutcome(ff, param(call, 'id'), body(packBodySchema, call, 'pack request')),
    },
    {
      method: 'POST',
      path: '/shipments/:id/ship',
      operationId: 'shipShipment',
      summary: 'Rate-shop, buy the label, capture payment, commit stock; returns the label',
      tag: 'fulfillment',
      access: 'ship',
      body: shipBodySchema,
      response: shipResultSchema,
      run: (call) => shipOutcome(ff, param(call, 'id'), body(shipBodySchema, call, 'ship request')),
    },

    // ---- inventory --------------------------------------------------------
    {
      method: 'GET',
      path: '/inventory/:sku',
      operationId: 'inventoryLevel',
      summary: "A SKU's stock, summed and per location",
      tag: 'inventory',
      access: 'read',
      response: inventoryLevelSchema,
      run: (call) => ff.inventory.level(param(call, 'sku')),
    },
    {
      method: 'GET',
      path: '/inventory/:sku/ledger',
      operationId: 'inventoryLedger',
      summary: "A SKU's stock movements, oldest first",
      tag: 'inventory',
      access: 'read',
      response: z.array(stockMovementSchema),
      run: (call) => ff.inventory.ledger(param(call, 'sku')),
    },
    {
      method: 'POST',
      path: '/inventory/receive',
      operationId: 'receiveStock',
      summary: 'Receive units at a location; serves waiting backorders',
      tag: 'inventory',
      access: 'inventory.receive',
      body: receiveInputSchema,
      response: inventoryLevelSchema,
      run: (call) => ff.inventory.receive(body(receiveInputSchema, call, 'receipt')),
    },
    {
      method: 'POST',
      path: '/inventory/adjust',
      operationId: 'adjustStock',
      summary: 'Correct on-hand stock by a signed delta with a reason',
      tag: 'inventory',
      access: 'inventory.adjust',
      body: adjustInputSchema,
      response: inventoryLevelSchema,
      run: (call) => ff.inventory.adjust(body(adjustInputSchema, call, 'adjustment')),
    },

    // ---- returns ----------------------------------------------------------
    {
      method: 'POST',
      path: '/returns/:id/approve',
      operationId: 'approveReturn',
      summary: 'Approve a return waiting for review',
      tag: 'returns',
      access: 'returns.approve',
      response: returnRequestSchema,
      run: (call) => ff.returns.approve(param(call, 'id')),
    },
    {
      method: 'POST',
      path: '/returns/:id/receive',
      operationId: 'receiveReturn',
      summary: 'Record what came back: restock and refund',
      tag: 'returns',
      access: 'returns.receive',
      body: returnReceiveInputSchema,
      response: returnRequestSchema,
      run: (call) => ff.returns.receive(param(call, 'id'), body(returnReceiveInputSchema, call, 'return receipt')),
    },
    {
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openApiDocument',
      summary: 'This OpenAPI 3.1 document',
      tag: 'meta',
      access: 'open',
      response: z.record(z.string(), z.unknown()),
      run: async () => {
        document ??= openApiDocument(routes, { basePath: options.basePath });
        return document;
      },
    },
  ];
  return routes;
}
