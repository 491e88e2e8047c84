// fulfillkit/http: a Fetch-standard handler serving carrier and payment
// webhooks, the ops API with its OpenAPI document, and the warehouse console.
export { createHttpHandler } from './http/handler.js';
export type { FetchHandler, HttpHandlerOptions } from './http/handler.js';
export { toNodeListener } from './http/node-listener.js';
export type { NodeListener, NodeListenerOptions } from './http/node-listener.js';
export { PERMISSIONS, allows, bearerTokens } from './http/access.js';
export type { Authorize, Permission, Principal, Role } from './http/access.js';
export { memoryIdempotencyStore } from './http/idempotency.js';
export type { IdempotencyClaim, IdempotencyStore, MemoryIdempotencyOptions, StoredResponse } from './http/idempotency.js';
export { STATUS_BY_CODE, problemFromError } from './http/problem.js';
export type { HttpProblemCode, Problem } from './http/problem.js';
export { openApiDocument } from './http/openapi.js';
export type { OpenApiOptions } from './http/openapi.js';
export { apiRoutes } from './http/api-routes.js';
export type { Access, ApiRoute, RouteCall } from './http/router.js';
export type { ConsoleOptions } from './http/console/app.js';
export type { ConsoleLocation } from './http/console/pages-fulfillment.js';
