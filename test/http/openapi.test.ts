// The OpenAPI document: valid OpenAPI 3.1, served at /openapi.json, and in
// step with the route table in both directions.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../src/http/api-routes.js';
import { openApiDocument } from '../../src/http/openapi.js';
import { STATUS_BY_CODE } from '../../src/http/problem.js';
import { ERROR_CODES } from '../../src/domain/errors.js';
import { httpShop } from './http-shop.js';

type Operation = { operationId: string; parameters: { name: string; in: string }[]; responses: Record<string, unknown>; security?: unknown[]; requestBody?: unknown };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

describe('OpenAPI document', () => {
  const s = httpShop();
  const routes = apiRoutes(s.ff);

  it('is valid OpenAPI 3.1', async () => {
    const response = await s.call('GET', '/openapi.json', { token: null });
    expect(response.status).toBe(200);
    const doc = (await response.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does reject a broken document.
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { responses?: unknown }>> };
    delete (broken.paths['/health'] as Record<string, { responses?: unknown }>).get?.responses;
    (broken.paths['/health'] as Record<string, unknown>).get = { responses: 'none' };
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('describes every route, and nothing else', async () => {
    const doc = openApiDocument(routes) as Doc;
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const served = routes.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(served.sort());
    expect(new Set(routes.map((r) => r.operationId)).size).toBe(routes.length);
    expect(served).toContain('GET /openapi.json');
    // What is served is what the route table yields.
    expect(await (await s.call('GET', '/openapi.json', { token: null })).json()).toEqual(doc);
  });

  it('documents path parameters, Idempotency-Key on every POST, security and problem responses', () => {
    const doc = openApiDocument(routes) as Doc;
    for (const route of routes) {
      const op = doc.paths[route.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()] as Operation;
      for (const m of route.path.matchAll(/:([A-Za-z]+)/g)) expect(op.parameters.some((p) => p.in === 'path' && p.name === m[1]), `${route.path} ${m[1]}`).toBe(true);
      if (route.method === 'POST') expect(op.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), route.path).toBe(route.access !== 'webhook');
      if (route.access === 'open' || route.access === 'webhook') expect(op.security).toEqual([]);
      else expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      if (route.body) expect(op.requestBody, route.path).toBeDefined();
    }
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/(\w+)/g) ?? [];
    for (const ref of new Set(refs)) expect(doc.components.schemas[ref.split('/').pop() as string], ref).toBeDefined();
  });

  it('matches what the server actually answers for each listed query parameter', async () => {
    const doc = openApiDocument(routes) as Doc;
    const params = doc.paths['/orders']?.get?.parameters.map((p) => p.name);
    expect(params).toEqual(expect.arrayContaining(['status', 'cursor', 'limit']));
    const res = await s.call('GET', '/orders?limit=2&status=processing');
    expect(res.status).toBe(200);
    expect((await s.call('GET', '/orders?limit=0')).status).toBe(400);
  });

  it('lists the status of every error code', () => {
    const doc = openApiDocument(routes) as unknown as { info: { description: string } };
    for (const code of ERROR_CODES) expect(doc.info.description).toContain(`${code} ${STATUS_BY_CODE[code]}`);
  });
});
