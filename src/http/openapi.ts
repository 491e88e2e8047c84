// The OpenAPI 3.1 document of the ops API, generated from the route table and
// its zod schemas (zod 4's JSON Schema export), so it cannot drift from the code.
import { z } from 'zod';
import { ERROR_CODES } from '../domain/errors.js';
import { inventoryLevelSchema, stockMovementSchema } from '../domain/inventory.js';
import { orderSchema } from '../domain/order.js';
import { returnRequestSchema } from '../domain/return.js';
import { labelSchema, shipmentSchema } from '../domain/shipment.js';
import { domainEventSchema, packingSlipSchema, pickListSchema, problemSchema } from './api-schemas.js';
import { STATUS_BY_CODE } from './problem.js';
import type { ApiRoute } from './router.js';

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** Where the API is mounted; becomes the server URL. @defaultValue '' */
  basePath?: string;
  /** `info.version`. @defaultValue '0.1.0' */
  version?: string;
}

type JsonSchema = Record<string, unknown>;

// Shared shapes become components referenced by name instead of being repeated in every operation.
const NAMED: [z.ZodType, string][] = [
  [orderSchema, 'Order'],
  [shipmentSchema, 'Shipment'],
  [labelSchema, 'Label'],
  [inventoryLevelSchema, 'InventoryLevel'],
  [stockMovementSchema, 'StockMovement'],
  [returnRequestSchema, 'ReturnRequest'],
  [pickListSchema, 'PickList'],
  [packingSlipSchema, 'PackingSlip'],
  [domainEventSchema, 'DomainEvent'],
  [problemSchema, 'Problem'],
];
const registry = z.registry<{ id: string }>();
for (const [schema, id] of NAMED) registry.add(schema, { id });

function schemaOf(schema: z.ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12', metadata: registry }) as JsonSchema;
  const { $schema: _dropped, $defs, ...rest } = json;
  const rewrite = (value: unknown): JsonSchema => JSON.parse(JSON.stringify(value).replace(/"#\/\$defs\//g, '"#/components/schemas/')) as JsonSchema;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) components[name] ??= rewrite(def);
  const top = rewrite(rest);
  // A registered schema converted on its own comes back whole, under its id: refer to it instead.
  const id = registry.get(schema)?.id;
  if (id && io === 'output') {
    components[id] ??= top;
    return { $ref: `#/components/schemas/${id}` };
  }
  return top;
}

const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

// The query schema's fields become individual query parameters.
function queryParameters(schema: z.ZodType | undefined, components: Record<string, JsonSchema>): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: json.required?.includes(name) ?? false, schema: s }));
}

function errorStatuses(route: ApiRoute): number[] {
  const statuses = new Set<number>([400, 404, 409, 500]);
  if (route.access !== 'open' && route.access !== 'webhook') {
    statuses.add(401);
    statuses.add(403);
  }
  if (route.access === 'webhook') statuses.add(STATUS_BY_CODE.WEBHOOK_SIGNATURE_INVALID);
  if (route.method === 'POST') {
    statuses.add(413);
    statuses.add(422);
    if (route.access !== 'webhook') statuses.add(415);
  }
  if (route.tag === 'fulfillment' || route.tag === 'orders') {
    statuses.add(402);
    statuses.add(502);
  }
  return [...statuses].sort((a, b) => a - b);
}

/**
 * Build the OpenAPI 3.1 document for `routes`.
 *
 * @example
 * ```ts
 * const doc = openApiDocument(apiRoutes(ff));
 * doc.paths['/orders/{id}'].get.operationId; // 'getOrder'
 * ```
 */
export function openApiDocument(routes: readonly ApiRoute[], options: OpenApiOptions = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, JsonSchema> = {};
  schemaOf(problemSchema, 'output', components);
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string', minLength: 1 } }));
    const parameters: JsonSchema[] = [...pathParams, ...queryParameters(route.query, components)];
    if (route.method === 'POST' && route.access !== 'webhook') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Replays the first response for a retry of the same request; a different body under the same key is 422.',
        schema: { type: 'string', minLength: 1, maxLength: 255 },
      });
    }
    const responses: Record<string, unknown> = {
      [String(route.status ?? 200)]: { description: 'Success', content: { 'application/json': { schema: schemaOf(route.response, 'output', components) } } },
    };
    for (const status of errorStatuses(route)) {
      responses[String(status)] = { description: 'Problem details (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };
    }
    const operation: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      parameters,
      responses,
      'x-fulfillkit-access': route.access,
    };
    if (route.access === 'open' || route.access === 'webhook') operation.security = [];
    if (route.access === 'webhook') {
      operation.requestBody = { required: true, description: 'The provider payload, verified byte for byte', content: { '*/*': { schema: {} } } };
    } else if (route.body) {
      operation.requestBody = { required: false, content: { 'application/json': { schema: schemaOf(route.body, 'input', components) } } };
    }
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'fulfillkit ops API',
      version: options.version ?? '0.1.0',
      description: `Errors are RFC 9457 problem documents whose \`code\` is one of: ${ERROR_CODES.join(', ')} (status per code: ${ERROR_CODES.map((c) => `${c} ${STATUS_BY_CODE[c]}`).join(', ')}).`,
    },
    servers: [{ url: options.basePath || '/' }],
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: components,
    },
  };
}
