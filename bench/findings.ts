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

Profiled again after the intent model merged (1,500 orders, \`--cpu-prof\`): the JSON copy of the order
in the memory store is about 17 % of the time (\`JSON.stringify\` on write 9 %, \`JSON.parse\` on read
8 %), zod checks of command input about 10 %, garbage collection about 4 %; the rest is spread over
placement, cartonization, the intent machinery and the adapters. Handing out frozen records would take
most of the first 17 % but not more, and an object graph per order is likely to hold more heap than
the same order as one JSON string (not measured), which works against the heap-per-order target; it
was not done in this round.

What would close the gap: a storage representation that avoids re-serializing the whole order on every
command (for example per-shipment records, or storing frozen objects and copying only what a command
edits), and letting a picker's pick → pack → ship sequence reuse the order each step just wrote. Half
the speed of bare XState is not reachable while every command persists a full, isolated order.`,

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
What the figure counts: the entry built with code splitting, as the ESM build and a host's bundler
produce it, and everything \`import 'fulfillkit'\` loads before any call (the entry chunk and its
static imports, each gzipped as served). The chunks loaded on first use are reported in the note.

Already done: the default memory store is loaded on the first storage call (decision 73), so its
7.1 KB gzipped leave the entry while \`createFulfillment({})\` keeps working; the carrier-status
helpers, which only carrier adapters use, are exported from \`fulfillkit/adapters\` only (0.3 KB).
Together these took the entry from 53.8 KB to 46.5 KB (47,653 bytes); about 6.7 KB are still over.

Why it is still over: the engine itself. Per module (esbuild metafile, minified bytes of the entry),
the commands are the largest part (picking 6.0 K, cancellation 5.5 K, returns 4.8 K, payment flow
4.3 K, shipping 4.2 K, tracking 3.9 K, placement 3.8 K), then configuration checks 5.4 K, the effect
and intent model 8.4 K, cartonization 6.6 K with its search, the order machine 4.1 K. Template-string
messages are about 4 KB of the gzipped size, and the country and currency code lists 1.4 KB of text.

Tried and not kept: loading command families on first use as the memory store is. With returns,
payment webhooks and cancellation behind \`import()\` the entry grows to 49.1 KB (and to 49.2 KB
adding picking, packing and shipping), because those commands share most of their modules with the
rest of the engine: splitting cuts the shared code into more chunks, each compressing worse, and a
host that uses them would load more in total, not less.

What would close it: the instrumentation and relay wrappers brought by the options that need them
(about 0.8 KB, measured earlier by stubbing), and a review, with the owners of the commands, of the
steps several commands spell out separately (loading an order and checking its state, building
status-change events, re-validating adapter answers) — or a budget raised deliberately to what the
intent model and the real-provider port contract cost (about 47 KB).`,

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
Why: \`get\` is a \`Map\` lookup and a \`JSON.parse\` of one document, and listing walks an index from a
cursor, so neither grows with the store; but at 1,000,000 orders the heap is several gigabytes and each
lookup touches memory no CPU cache holds (hash bucket, document string, TLB entries), and the garbage
collector works over a much larger old generation. The spread column shows how much of a single figure
is noise on a shared two-core machine.

What would close the gap: less memory per order keeps more of the store in cache.`,

  'scaling-pg': `
What the figure measures: the large store holds 1,000,000 orders copied in bulk SQL from four
engine-written templates (placed, shipped, delivered, cancelled), with their keys, events,
reservations and ledger rows (decision 74); the prefill takes about six minutes on this machine, then
the tables are vacuumed and checkpointed. Measured right after the copy without the checkpoint,
\`get\` read 2.3× its cost at 1,000: the reads overlapped the flush of the gigabytes just written.

Why \`get\` is the operation near the limit: it is a single primary-key lookup
(\`EXPLAIN (ANALYZE, BUFFERS)\`: an index scan on \`orders_pkey\`, three buffers hit, one read), but
at 1,000,000 orders the table is about 2 GB of heap and 1.1 GB of TOAST against the server's 128 MB
of \`shared_buffers\`, so nearly every lookup reads its heap page from outside the buffer cache, and the
quarter of orders over 2 KB compressed (delivered ones, with their tracking events) also read the
TOAST index and chunks. At 1,000 orders everything is cached. The same lookup in bare SQL measured
about 1.4× at 1M (1.2–1.65× over six rounds), and \`orders.get\` on the same pair of stores, in a probe
of four series of five runs, gave medians of 1.1–1.4×: the engine adds only a constant (argument check,
JSON of the row), and the wide spread of the figure is this loaded machine (load average 8–19 during
these runs). \`place\` (inserts and one stock row) and \`list\` (an index range on
\`(status, status_seq)\` from its start) do not grow.

What would close it: a \`shared_buffers\` sized for the working set, as a production server has (the
benchmark server runs the default); nothing in the query or index is missing. Keeping orders
inline (\`ALTER TABLE orders SET (toast_tuple_target = 4080)\`, a one-line migration for the owner of
the PostgreSQL adapter to weigh) removes the TOAST reads for large orders; in a trial on a 1M copy
it moved the ratio by less than this machine's noise, so it is a suggestion, not done.`,

  'heap-per-order': `
Why: the order document is about 2.2 KB of JSON text (one byte a character) and its history about
0.8 KB; keys, tags and index entries add the rest.

What would close it (not done in this round): the history is most of the margin: its events repeat
the order id, type names and timestamps in full. Keeping them compressed or as a compact tuple text
per event, and sharing the lookup-key strings with the order's own ids, are the levers (not measured);
a store of frozen objects would probably go the other way.`,

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
