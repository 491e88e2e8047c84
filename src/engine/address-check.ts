// The `validateAddress` placement policy: ask the first carrier that validates
// addresses before any stock is reserved or money held.
import type { Address } from '../domain/address.js';
import { FulfillmentError } from '../domain/errors.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';

/** What `warn` reports on `order.placed`. */
export interface AddressCheckReport {
  carrierId: string;
  valid: boolean;
  messages: string[];
}

/**
 * `null` when the policy is off. Under `require`, an invalid address is
 * `VALIDATION_FAILED` (with the carrier's messages and suggestion) and a
 * carrier that cannot answer fails the placement, which changed nothing yet.
 * Under `warn`, problems and outages are reported, never fatal.
 */
export async function checkShippingAddress(ctx: EngineContext, address: Address): Promise<AddressCheckReport | null> {
  const mode = ctx.policy.validateAddress;
  if (mode === 'off') return null;
  const carrier = [...ctx.carriers.values()].find((c) => c.capabilities.addressValidation && typeof c.validateAddress === 'function');
  if (carrier === undefined) {
    throw new FulfillmentError('CONFIGURATION_ERROR', `policy.validateAddress is '${mode}' but no carrier validates addresses`, {
      details: { option: 'policy.validateAddress' },
    });
  }
  let result: Awaited<ReturnType<NonNullable<typeof carrier.validateAddress>>>;
  try {
    result = await callAdapter(`${carrier.id}.validateAddress`, ctx.policy.retry, () => (carrier.validateAddress as NonNullable<typeof carrier.validateAddress>)(address));
  } catch (err) {
    if (mode === 'require') throw err;
    return { carrierId: carrier.id, valid: false, messages: [`address not checked: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500)] };
  }
  const messages = (Array.isArray(result?.messages) ? result.messages : []).map((m) => String(m?.message ?? m?.code ?? '').slice(0, 500));
  if (result?.valid === true) return { carrierId: carrier.id, valid: true, messages };
  if (mode === 'require') {
    throw new FulfillmentError('VALIDATION_FAILED', `Invalid order: shippingAddress: ${carrier.id} cannot deliver to this address${messages.length ? ` (${messages.join('; ')})` : ''}`, {
      details: {
        issues: [{ path: 'shippingAddress', message: messages[0] ?? 'the carrier cannot deliver to this address' }],
        carrierId: carrier.id,
        messages,
        suggestion: result?.suggestion ?? null,
      },
    });
  }
  return { carrierId: carrier.id, valid: false, messages };
}
