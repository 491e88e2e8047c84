// Route definitions and matching: each route names its method, path,
// permission and zod schemas, so the handler, the OpenAPI document and the
// tests read one table.
import type { z } from 'zod';
import type { Permission, Principal } from './access.js';

/** Who may call a route: everyone, a verified webhook sender, or holders of a permission. */
export type Access = 'open' | 'webhook' | Permission;

/** What a route's `run` receives. */
export interface RouteCall {
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  /** The exact request bytes (webhooks verify signatures over them). */
  rawBody: Uint8Array;
  headers: Record<string, string>;
  principal: Principal | null;
  request: Request;
}

/** One API route. */
export interface ApiRoute {
  method: 'GET' | 'POST';
  /** Path with `:name` parameters, relative to the handler's base path. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  access: Access;
  query?: z.ZodType;
  body?: z.ZodType;
  response: z.ZodType;
  /** Success status. @defaultValue 200 */
  status?: number;
  run(call: RouteCall): Promise<unknown>;
}

/** A compiled route table: find the route for a method and path. */
export interface Router {
  match(method: string, path: string): { route: ApiRoute; params: Record<string, string> } | { allowed: string[] } | null;
}

/** Compile routes into a matcher. Segments match whole; parameters are URI-decoded. @internal */
export function compileRoutes(routes: readonly ApiRoute[]): Router {
  const compiled = routes.map((route) => ({ route, segments: route.path.split('/').filter(Boolean) }));
  return {
    match(method, path) {
      const parts = path.split('/').filter(Boolean);
      const allowed: string[] = [];
      for (const { route, segments } of compiled) {
        if (segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        let ok = true;
        for (let i = 0; i < segments.length && ok; i++) {
          const seg = segments[i] as string;
          const part = parts[i] as string;
          if (seg.startsWith(':')) {
            let value: string;
            try {
              value = decodeURIComponent(part);
            } catch {
              ok = false;
              break;
            }
            params[seg.slice(1)] = value;
          } else ok = seg === part;
        }
        if (!ok) continue;
        if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
        allowed.push(route.method);
      }
      return allowed.length ? { allowed } : null;
    },
  };
}
