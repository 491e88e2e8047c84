// Why a target is missed, written from profiles of the engine: rendered
// under "Targets missed" in docs/benchmarks.md when the figure misses.

/** Explanations keyed by result id (or by its prefix before `-place`/`-get`/`-list`). */
export const findings: Record<string, string> = {
  lifecycle: `
Why: the baseline steps two live actors and serializes two small snapshots (about 0.15 ms an order).
The engine runs nine commands per order, and each one validates its input with zod, finds the order
through a lookup key, reads it (\`JSON.parse\` of a 2–3 KB document: the memory adapter hands out
copies so callers never share state with the store), applies the machine events, and writes it back
(\`JSON.stringify\` with its events and outbox messages) — and it does the work the baseline does not:
allocation and an atomic reservation with ledger rows, payment authorization and capture,
cartonization, rate shopping and label purchase, stock commit, notifications. A CPU profile puts about
a fifth of the time in the parse/stringify pair and a tenth in garbage collection; no single function
dominates the rest.

Already done: mutators edit the private copy storage returns instead of deep-cloning it again (about
11 % of the time), placement authorizes before its first write so a new order is written once, and
cartonization validates a box catalog once instead of per call. Together these took the lifecycle from
0.14× to the figure above.

What would close the gap: a storage representation that avoids re-serializing the whole order on every
command (for example per-shipment records, or storing frozen objects and copying only what a command
edits), and letting a picker's pick → pack → ship sequence reuse the order each step just wrote. Half
the speed of bare XState is not reachable while every command persists a full, isolated order.`,

  'hot-sku-pg-place': `
This row is context: the target is met at the layer the baseline works at (row "3. Hot SKU on
PostgreSQL": the reservations orders.place makes, 10,000 at once, against one conditional UPDATE per
order). Correctness holds here too: exactly the stock was reserved in every run, every other order was
refused with \`INSUFFICIENT_STOCK\`.

Why whole placements are not 5× faster than a bare UPDATE: after the 1,000th unit the baseline's
remaining 9,000 UPDATEs find \`on_hand - reserved >= 1\` false, one cheap round trip each. A placement
also validates the order, allocates it, authorizes payment and, for the 1,000 winners, writes the order
with its events, keys and confirmation message. A profile of 10,000 concurrent placements shows about
2.4 s of Node CPU (240 µs per order, a seventh of it garbage collection) on two cores shared with
PostgreSQL, which alone is longer than the baseline's whole run.

What would close the gap: coalescing the winners' order writes the way reservations are coalesced (one
multi-row statement per batch of concurrent \`createOrder\` calls), and a cheaper refusal path for a SKU
the last batch saw sold out (skip allocation and reserve, confirm with one coalesced level read).`,

  'hot-sku-pg': `
Why: the reservation batch runs one locking transaction per batch of concurrent reserves; on a loaded
machine the batch size drops and each batch pays its own commit. Larger batches (\`batchReservations\`)
trade latency for throughput.`,

  'placement-pg': `
Why: a placement is a batched reservation transaction and a single-statement order write, against one
hand-written transaction per order; on a loaded machine Node's share of the two cores decides.`,

  'scaling-mem': `
Why: \`get\` is a \`Map\` lookup and a \`JSON.parse\` of one document, and listing walks an index from a
cursor, so neither grows with the store; but at 1,000,000 orders the heap is several gigabytes and each
lookup touches memory no CPU cache holds (hash bucket, document string, TLB entries), and the garbage
collector works over a much larger old generation. The spread column shows how much of a single figure
is noise on a shared two-core machine.

What would close the gap: less memory per order keeps more of the store in cache.`,

  'scaling-pg': `
Why: PostgreSQL index lookups grow with the B-tree depth and with the share of the table that fits in
shared buffers.`,

  'heap-per-order': `
Why: the order document is about 2.2 KB of JSON text (one byte a character) and its history about
0.8 KB; keys, tags and index entries add the rest.`,

  'outbox-workers': `
Why: the workers share one PostgreSQL, and on this machine they also share its two cores with it (and
with whatever else runs). Each delivered message costs the database its share of a SKIP LOCKED claim
and one acknowledging UPDATE; a worker sends a batch's deliveries at once and waits for the slowest, so
one worker is bound by latency and more workers overlap those waits until the database's CPU is the
limit. Read the figure with the load average in its note: it measures this shared machine, not a
ceiling of the design. Claims never collide (no message was claimed twice in any run), so workers add
throughput until PostgreSQL itself is busy.

What would close the gap: acknowledging a batch in one statement instead of one UPDATE per message
(a message would then cost the database a fiftieth of the statements), and a database with cores of
its own.`,

  'pgbouncer-placement': `
Why: behind the pooler every statement is parsed and planned again (no named statements), and each
one makes an extra hop through PgBouncer, which on this machine competes for the same two cores as
PostgreSQL and the benchmark. The placement statements are long multi-CTE writes, so the planning
share is large.

What would close the gap: PgBouncer 1.21+ with \`max_prepared_statements\`, which PgBouncer documents
as keeping protocol-level named statements working through the pooler (not measured here), so the
adapter's named statements could stay on.`,
};
