// Why a target is missed, written from profiles of the engine: rendered
// under "Targets missed" in docs/benchmarks.md when the figure misses.

/** Explanations keyed by result id (or by its prefix before `-place`/`-get`/`-list`). */
export const findings: Record<string, string> = {
  lifecycle: `
Why: the baseline steps two live actors and serializes two small snapshots (about 0.15 ms an order).
The engine runs nine commands per order, and each one validates its input with zod, finds the order
through a lookup key, reads it (a private copy: the memory adapter never shares an object with its
callers), applies the machine events, and writes it back (another copy, with its events and outbox
messages) — and it does the work the baseline does not: allocation and an atomic reservation with
ledger rows, payment authorization and capture, cartonization, rate shopping and label purchase,
stock commit, notifications. The figure misses the target by about 4.5–6× (see the table for this
run's value and spread): in this round's runs the medians were 0.08×–0.11× and single pairs ranged
from 0.03× to 0.16× on a machine whose load average stayed between 5 and 18.

Already done in earlier rounds: mutators edit the private copy storage returns instead of
deep-cloning it again (about 11 % of the time), placement authorizes before its first write so a new
order is written once, and cartonization validates a box catalog once instead of per call.

In this round: the memory store keeps the 64 most recently written orders as objects and copies them
directly instead of stringifying on every write and parsing on every read, packs the rest and the
histories (decision 73, which met the heap target), defers packing an order's new events until it
leaves the hot set, an intent's runner finishes from the order it wrote instead of reading it again,
and an adapter attempt creates its \`AbortSignal\` only when the adapter reads it (the sandboxes never
do). None of it moved this figure measurably: the same lifecycle through the previous and the new
source in one process, interleaved and timed in CPU time (the machine's load average was above 10),
100 orders a run and 31 pairs, gave 0.97× the previous throughput (pairs from 0.77× to 1.31×); the
memory store's part alone 0.98×. The hot set pays for the packing, no more.

What the profile shows now (1,500 orders, \`--cpu-prof\`): copying the order into and out of the
store about 13 %, garbage collection about 8 %, zod checks of command input about 8 % (user input,
which stays checked), the port-boundary checks of adapter answers about 4 %, cartonization about 5 %,
packing orders and histories about 5 %; the rest is spread thinly over the commands, the intent
machinery and the adapters, no function above 2 %. Timed side by side, the direct copy costs 0.94× a
\`JSON.stringify\` of the same order and \`JSON.parse\` 1.09× (allocating a few hundred objects is the
price, not the text), and objects kept alive across writes give the garbage collector more to do than
one string each: a cheaper copy cannot close much.

What would close the gap: not copying at all. Frozen records with structural sharing would make an
engine read free and a write copy only what changed; that needs every mutator to copy what it edits
(about 50 sites edit orders in place today) and, because callers own what the public API returns, a
copy at that boundary — one copy per command instead of two, worth perhaps a tenth. Beyond that the
engine's own work per command (validation, reservation, cartonization, rate shopping, the intent
record and its events) is several times what the baseline does per transition; half of bare XState's
speed is not reachable while every command persists a full, isolated order and checks its input and
every adapter answer.`,

  'tracking-pg': `
Why: each delivery is three round trips, all of them short, against the baseline's four (BEGIN, an
insert, an update, COMMIT); it is the work around them that costs. A profile of 1,000 deliveries from
16 senders (no version conflicts among them: 1,000 order writes for 1,000 scans) shows the engine
process idle about 30 % of the time waiting on PostgreSQL and, on the CPU, the HMAC check of every
body, the schema checks of the request and of the adapter's parsed events, and serializing the whole
order (2–3 KB of JSON) for the single statement that writes its \`jsonb\` row together with its
events, lookup keys and listing tags. The baseline's update touches one narrow row. On a 2-core machine shared by the database and the
benchmark, PostgreSQL's cost of rewriting the document is most of the difference.

Already done: the imported HMAC key is kept per secret instead of being imported for every signature,
which took the signature's share of the engine's CPU from about 15 % to about 6 %.

What would close it: coalescing the order writes concurrent webhooks make in one process into
multi-row statements, as reservations already are (the same lever as placement), and a narrower write
for a scan than the whole order document: a shipment's tracking state in its own row, or an update
that changes only the shipment in the \`jsonb\`.`,

  'relay-placement-cost': `
Not profiled in this round: the figure could only run once the \`relay\` option was accepted again
(see the changelog), and this run's spread (see the table) is wide on a loaded machine. By design the
cost is one more outbox message per order write, carrying a copy of that write's events, in the same
atomic step. What would close it if the median stays under the target: carrying the events by
reference to the order history instead of a copy in the message.`,

  'otel-placement-cost': `
Not profiled in this round, for the same reason as the relay row. By design every command opens a
span and every adapter attempt a child span with its attributes, plus histogram records, all through
the OpenTelemetry SDK the host configured (here the SDK tracer with a discarding exporter). What would
close it: building command attributes only when the span is sampled, and reusing attribute objects
for adapter spans.`,

  'bundle-size': `
Why: the engine itself is over the budget. Bundling \`createFulfillment\` alone (no schemas,
machines or strategies re-exported) gives 41.3 KB; the whole entry is 42.4 KB. Per module (esbuild
metafile, minified bytes), the largest parts are the commands (picking 5.6 K, cancellation 5.5 K,
returns 4.7 K, payment flow 4.3 K, shipping 4.2 K, tracking 3.8 K, placement 3.7 K), the intent
model that merged last (effects 4.7 K, intents 3.4 K, the intent schemas 2.1 K, hand-over 2.4 K),
the port-boundary checks (2.5 K), configuration checks (4.9 K) and cartonization (6.6 K with its
search). User-facing messages in template strings are about 3 KB of the gzipped size.

Already done: \`storage\` is required, so the memory store (about 6.8 KB gzipped with its
reservation rules) is no longer in every host's core, and the webhook-signature and carrier-status
helpers, which only adapter authors use, moved to \`fulfillkit/adapters\` (1.3 KB). Together these
took the entry from 50.5 KB to 42.4 KB.

What would close it (about 1.4 KB gzipped): measured by stubbing one module at a time, the
instrumentation and relay wrappers cost 0.8 KB and could be brought by the option that needs them;
the payment-webhook command 0.45 KB. The larger lever is the commands themselves (returns alone is
1.4 KB gzipped): a review for steps several commands spell out separately, done together with the
owners of those commands, or a budget that is raised deliberately for the intent model.`,

  'hot-sku-pg-place': `
The reservation layer alone meets its target (row "3. Hot SKU on PostgreSQL": the reservations
orders.place makes, 10,000 at once, against one conditional UPDATE per order); whole placements are
held to ≥ 3×. Correctness holds: exactly the stock was reserved in every run, every other order was
refused with \`INSUFFICIENT_STOCK\`.

Why whole placements are slower than a bare UPDATE: after the 1,000th unit the baseline's
remaining 9,000 UPDATEs find \`on_hand - reserved >= 1\` false, one cheap round trip each. A placement
also validates the order, allocates it, authorizes payment and, for the 1,000 winners, writes the order
with its events, keys and confirmation message, each winner in its own statement. A profile of 10,000
concurrent placements shows about 2.4 s of Node CPU (240 µs per order, a seventh of it garbage
collection) on two cores shared with PostgreSQL, which alone is longer than the baseline's whole run.

What would close the gap (not done in this round): coalescing the winners' order writes the way
reservations are coalesced (one multi-row statement per batch of concurrent \`createOrder\` calls, with
per-row outcomes for version and idempotency conflicts), and a cheaper refusal path for a SKU the last
batch saw sold out (skip allocation and reserve, confirm with one coalesced level read).`,

  'hot-sku-pg': `
Why: the reservation batch runs one locking transaction per batch of concurrent reserves; on a loaded
machine the batch size drops and each batch pays its own commit. Larger batches (\`batchReservations\`)
trade latency for throughput.`,

  'placement-pg': `
Why: a placement is a batched reservation transaction and a single-statement order write per order,
against one hand-written transaction per order; on a loaded machine Node's share of the two cores
decides, and each of the 16 callers' order writes is still its own round trip and commit.

What would close it (not done in this round): the same coalescing of concurrent \`createOrder\` and
\`updateOrder\` calls of one process into multi-row statements that reservations already use
(src/storage/postgres/postgres-reserve-queue.ts), so 16 callers share a commit.`,

  'scaling-mem': `
Why: \`get\` is a \`Map\` lookup and the unpacking of one document (or a direct copy, for the 64 orders
written last), and listing walks an index from a cursor, so neither grows with the store; but at
1,000,000 orders the heap is a few gigabytes and each lookup touches memory no CPU cache holds (hash
bucket, document string, TLB entries), and the garbage collector works over a much larger old
generation. The spread column shows how much of a single figure is noise on a shared two-core
machine: in the runs of this round every operation was inside the target in some runs and outside it
in others (\`get\` 1.78× before the packing, then 1.24× and 1.59× in two runs after it; \`list\` 1.04×,
then 1.55× and 1.01×; single pairs from 0.3× to 8.8×), while the work per call is the same at both
sizes.

Already done: packed orders (decision 73) take the store at 1,000,000 orders from about 4 GB of heap to
about 2.4 GB, so more of it stays in cache.

What would close the gap for good: a quieter machine to measure on, or more runs per figure; beyond
that, less memory per order still.`,

  'scaling-pg': `
Why: PostgreSQL index lookups grow with the B-tree depth and with the share of the table that fits in
shared buffers.`,

  'heap-per-order': `
Met. What did it: the memory store packs orders and their histories (decision 73): an object is
written as its shape number and its values, and each store keeps one table of shapes, so the keys
that were most of an order's JSON text (\`"amount"\`, \`"currency"\` in every money object) are
written once per store. A placed order's text falls from about 2.2 KB to about 0.9 KB and its history
from about 0.8 KB to about 0.5 KB; the heap per stored order went from about 4.0 KB to about 2.4 KB.
The few orders kept as objects after a write (64 at most) do not show per order.`,

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
