// Who may do what: the roles, the permission table both the API and the
// console enforce, bearer-token authentication compared in constant time.
import { FulfillmentError } from '../domain/errors.js';

/** Roles a caller can hold. `admin` may do everything. */
export type Role = 'warehouse' | 'support' | 'admin';

/** An authenticated caller. */
export interface Principal {
  role: Role;
  /** Who it is, for idempotency scoping and logs. @defaultValue the role */
  id?: string;
}

/** Decide who sent a request; `null` means unauthenticated (401). */
export type Authorize = (request: Request) => Principal | null | Promise<Principal | null>;

/** Things a caller may do. */
export type Permission =
  | 'read'
  | 'pick'
  | 'pack'
  | 'ship'
  | 'cancel'
  | 'hold'
  | 'retryPayment'
  | 'returns.request'
  | 'returns.approve'
  | 'returns.receive'
  | 'inventory.receive'
  | 'inventory.adjust';

/**
 * Roles granted each permission besides `admin`, which holds them all.
 *
 * @example
 * ```ts
 * PERMISSIONS.ship; // ['warehouse']
 * ```
 */
export const PERMISSIONS: Readonly<Record<Permission, readonly Role[]>> = {
  read: ['warehouse', 'support'],
  pick: ['warehouse'],
  pack: ['warehouse'],
  ship: ['warehouse'],
  cancel: ['support'],
  hold: ['support'],
  retryPayment: ['support'],
  'returns.request': ['support'],
  'returns.approve': ['support'],
  'returns.receive': ['warehouse', 'support'],
  'inventory.receive': ['warehouse'],
  'inventory.adjust': ['warehouse'],
};

/**
 * Whether `role` holds `permission`.
 *
 * @example
 * ```ts
 * allows('support', 'cancel'); // true
 * allows('warehouse', 'cancel'); // false
 * ```
 */
export function allows(role: Role, permission: Permission): boolean {
  return role === 'admin' || PERMISSIONS[permission].includes(role);
}

const ROLES: ReadonlySet<string> = new Set(['warehouse', 'support', 'admin']);
const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text)));
}

/** Equality of two byte strings whose running time does not depend on where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * The default {@link Authorize}: `Authorization: Bearer <token>` against the
 * configured tokens. Tokens are hashed first so the comparison has a fixed
 * length, and every token is compared, so timing tells nothing about which
 * (or how much of one) matched.
 *
 * @example
 * ```ts
 * const authorize = bearerTokens({ [process.env.PACKER_TOKEN!]: 'warehouse' });
 * createHttpHandler(ff, { authorize: async (req) => (await authorize(req)) ?? (await sso(req)) });
 * ```
 */
export function bearerTokens(tokens: Readonly<Record<string, Role>>): Authorize {
  const entries = Object.entries(tokens);
  if (entries.length === 0) throw new FulfillmentError('CONFIGURATION_ERROR', 'At least one API token is needed');
  for (const [token, role] of entries) {
    if (token.length < 16) throw new FulfillmentError('CONFIGURATION_ERROR', 'API tokens must be at least 16 characters long');
    if (!ROLES.has(role)) throw new FulfillmentError('CONFIGURATION_ERROR', `Unknown role ${String(role)}`);
  }
  const hashed = Promise.all(entries.map(async ([token, role], i) => ({ digest: await sha256(token), role, id: `token-${i + 1}` })));
  return async (request) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return null;
    const presented = await sha256(match[1] as string);
    let found: Principal | null = null;
    for (const candidate of await hashed) {
      if (constantTimeEqual(presented, candidate.digest) && found === null) found = { role: candidate.role, id: candidate.id };
    }
    return found;
  };
}

/** Check what an `authorize` hook returned, so a typo in a host's role fails closed. */
export function checkPrincipal(value: unknown): Principal | null {
  if (value === null || value === undefined) return null;
  const role = (value as { role?: unknown }).role;
  if (typeof role !== 'string' || !ROLES.has(role)) return null;
  const id = (value as { id?: unknown }).id;
  return { role: role as Role, id: typeof id === 'string' && id.length > 0 ? id : role };
}
