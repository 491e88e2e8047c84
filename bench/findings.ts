// Why a target is missed, written from profiles of the engine: rendered
// under "Targets missed" in docs/benchmarks.md when the figure misses.

/** Explanations keyed by result id (or by its prefix before `-place`/`-get`/`-list`). */
export const findings: Record<string, string> = {
  lifecycle: `
Why: the baseline only steps two machines and serializes two small snapshots (about 0.2 ms an order);
the engine runs nine commands per order, and each one validates its input with zod, reads the order
from storage (\`JSON.parse\` of a 2–3 KB record), deep-copies it for the mutator (\`structuredClone\` in
\`cloneOrder\`), serializes it back with its events and outbox messages, and does the domain work the
baseline does not (allocation, cartonization, rate shopping, label purchase, payment capture, stock
commit, notifications). A CPU profile puts roughly a third of the time in the parse / clone / stringify
triple, which happens about ten times per order. Before this suite existed, building an
\`Intl.NumberFormat\` for every notification cost about as much again; it is now cached
(\`src/engine/notifications.ts\`).

What would close the gap: (1) skip the second copy: the memory adapter already returns a private
object, so \`mutateOrder\` could hand the freshly loaded order to the mutator and only clone when it
retries or when the caller passed \`preloaded\`; (2) let \`pickList\` → \`confirmPick\` → \`pack\` → \`ship\`
reuse the order they just wrote instead of reloading it; (3) validate command inputs with a cheaper
schema path for internal callers. Together these remove most of the per-command serialization; the
remaining work is the fulfillment logic itself, which the baseline does not do, so ≥ 0.5× of bare
XState is likely out of reach for a nine-command lifecycle.`,

  'placement-pg': `
Why: \`orders.place\` on PostgreSQL commits several times per order where the baseline commits once:
a levels read, the reservation (its own transaction, batched with other callers'), the order insert
(a transaction, because the shipment lookup key must be checked for a foreign owner), the payment
update of the order (another transaction for the same reason) and clearing the reservation's expiry.
With \`synchronous_commit = on\` every commit waits for a WAL flush, so four commits cost about four
times one, and the engine also spends CPU on zod, JSON and the sandbox adapters on a two-core machine
shared with PostgreSQL.

What would close the gap: write the order once in its final state (reserve, authorize, then insert the
order as \`processing\`, with \`reservation.expiresAt\` set in the same write), and fold the key-ownership
check into the single insert statement (it already returns \`foreign_keys\`; a conflict could be
reported without needing the surrounding transaction). That leaves two commits per order (reserve,
order), and batching the reservation already shares the first among concurrent callers.`,

  'hot-sku-pg': `
The correctness half of the target holds: in every run exactly the stock was reserved and every other
order was refused with \`INSUFFICIENT_STOCK\`.

Why the throughput half is missed: the naive baseline is cheap here because after the 1,000th unit its
9,000 remaining UPDATEs find \`on_hand - reserved >= 1\` false without taking the row lock, so they cost
one round trip each and almost no server time; only 1,000 statements actually queue on the hot row.
The engine does much more per order: input validation, a levels read, a reservation attempt (batched,
so the hot row is locked once per batch of up to 500 instead of once per order, which is what keeps
it correct and contention-free), and for the 1,000 winners the full placement (order insert, payment,
order update). On two cores shared with the database, the engine's own CPU per order is the ceiling.

What would close the gap: refuse early without touching the database when a recent reservation batch
already showed the SKU sold out (a per-process "sold out" hint invalidated by \`receive\`/\`release\`),
and stop retrying allocation (\`RACE_ATTEMPTS\` in \`src/engine/stock-allocation.ts\`) when the shortage
reports zero available at every location, since re-reading levels cannot find more. ≥ 5× over a
baseline whose refusals are a single index probe would still need the refusal path to cost less than
one round trip.`,

  'scaling-mem': `
Why: \`get\` is O(1) (a \`Map\` lookup and a \`JSON.parse\` of one record), but at 1,000,000 orders the
store is about 2 GB, so each lookup touches cold memory (hash bucket, record, a 1.4 KB string that is
not in any CPU cache, TLB misses) where at 1,000 orders everything sits in cache; the garbage
collector also works harder with a large old generation. The cost grows with the memory hierarchy,
not with an algorithm: 100,000 orders already show most of the step.

What would close the gap: less memory per order (see the heap figure) keeps more of the store in
cache; keeping the most recently used orders parsed would help hot-order workloads but not uniform
random reads like this benchmark's.`,

  'scaling-pg': `
Why: see the per-operation notes; PostgreSQL index lookups grow with the B-tree depth and with the
share of the table that fits in shared buffers.`,

  'heap-per-order': `
Why: the order record itself is about 2.2 KB of JSON text (one byte per character), and the adapter
keeps, per placed order: five domain events as JSON strings (about 1.2 KB), the reservation with its
lines and operation ids, two stock movements in the ledger (each an object with its own id, ISO
timestamps and strings), the pending confirmation message in the outbox (payload text, key, queue
entry, and the key kept after acknowledgement), the shipment lookup key, and entries in the
all-orders, status and pick-tag indexes.

What would close the gap: store the order JSON without \`null\` and default-valued fields (about a
quarter of its text), keep events in one compact array per order rather than one string each, intern
the repeated strings of the ledger (SKU, location, timestamps) and drop the per-movement random id in
favour of a sequence number, and release outbox payloads once acknowledged (keep only the key).`,
};
