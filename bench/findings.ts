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
histories (decision 76, which met the heap target), defers packing an order's new events until it
leaves the hot set, an intent's runner finishes from the order it wrote instead of reading it again,
and an adapter attempt creates its \`AbortSignal\` only when the adapter reads it (the sandboxes never
do). None of it moved this figure measurably: the same lifecycle through the previous and the new
source in one process, interleaved and timed in CPU time (the machine's load average was above 10),
100 orders a run and 31 pairs, gave 0.97× the previous throughput (pairs from 0.77× to 1.31×); the
memory store's part alone 0.98×. The hot set pays for the packing, no more.

A second pass looked for work that runs more often than it should, and found none. Counted per order
over 100 orders after 100 of warm-up, the memory adapter sees 1 \`createOrder\`, 9 \`updateOrder\`,
7 \`getOrder\`, 6 \`findOrderId\` and 5 \`listOrders\` calls (one from \`pickList\`, four from the
sweep that placement triggers once a run of the fake clock makes it due, each with at most one
item); \`ship\` is the only command with two reads and three writes. Build work stays at start-up:
in a profile of 2,000 orders, zod's schema compilation and XState actor creation appear only in the
first tenth of the run. Time per order does not grow over a run: CPU time per order, in blocks of
100 over 1,600 orders, stays between 1.6 and 3.3 ms with no trend, so neither the outbox nor the
listings' tombstones add cost as a run goes on. Machine steps are memoized. By command (CPU time,
1,000 orders after 500 of warm-up): \`place\` 28 %, \`ship\` 31 %, \`pack\` 12 %, the three scans
18 %, \`pickList\` and \`confirmPick\` 6 % each.

One small change came of it: a reader's copy of a hot order skips the checks made of a caller's
value (prototype, \`toJSON\`, number and \`undefined\` cases), since the store made that object with
\`jsonCopy\` itself, so a \`getOrder\` of a hot shipped order costs 1.28× less (median of nine
interleaved pairs). The whole lifecycle, old and new source in one process, alternating 200-order
runs timed in CPU time while a full benchmark run shared the machine, 16 pairs: 0.98× the previous
throughput (pairs from 0.69× to 1.52×), that is no measurable change. (A cache of the last text of
each money format was measured too and not kept: 1 µs a call is too small a saving for 69 more bytes
in a bundle already over its budget.)

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
Done in this round: concurrent order writes of one process go out as one \`write_orders\` statement
per batch (one round trip and one commit for the batch, each write still atomic on its own), and
concurrent \`findOrderId\` / \`getOrder\` reads as one statement per batch. A delivery now costs the
database a share of two coalesced reads and, for the four in ten that apply, a share of one
coalesced write; the baseline pays four statements and a commit for every delivery. Counted over
3,000 deliveries: 3,000 \`findOrderId\`, about 3,100 \`getOrder\` and 1,200 \`updateOrder\` calls.

Then the engine's own CPU per delivery. The HMAC of every body is Node's synchronous
\`createHmac\` where the runtime has it (looked up through \`process.getBuiltinModule\`, decision 77;
Web Crypto stays the fallback, so the core is still runtime-neutral): 5–8 µs of CPU per MAC
against 46–71 µs through Web Crypto with 16 in flight, measured side by side in one process.
And the events of a webhook or poll are parsed once, at the carrier port, instead of a second
time with \`tracking.record\`'s input schema. Measured in the same way on a machine at load 10–12,
three interleaved pairs of bench runs, the source before these two changes against after:
0.41×, 0.46×, 0.50× before, 0.58×, 0.56×, 0.56× after (about a fifth more deliveries per second
against the same baseline).

Then the index (decision 79): every order update used to carry all of the order's lookup keys and
index tags, and PostgreSQL re-pointed each key at its order (a new row version per key) and checked
each tag, on every scan. Updates now send a set only when it changed; a scan changes neither.
Measured on the scan path alone (800 applied scans, 16 senders, CPU of Node and of the pool's
PostgreSQL backends from \`/proc\`, three runs each): 550–590 µs of database CPU per scan before,
410–440 µs after, and 0.59× before against 0.86× after in two bench runs on a quiet machine (load
about 1); the full run recorded here gave 0.72× (runs from 0.58× to 0.88×).

Why it is still missed (see the table for this run's ratio): before the index change a profile of the webhook phase alone
on PostgreSQL (\`node:inspector\`, 2,500 deliveries, 16 senders, nothing else of the benchmark
running) finds the engine process two thirds idle, waiting on the database; of its busy CPU,
serializing the 3.9 KB order document for its \`jsonb\` row (\`toJsonText\`) is about an eighth,
parsing the rows that come back and socket writes about a sixth together, the intent machinery
(\`act\`, host actions, the order transition) about a third, and the webhook check (signature,
body, schema) now under a tenth. So the cost that remains is the size of the write, in both
processes: a delivery rewrites the whole order document where the baseline updates a few
columns of a narrow row. After the index change the database is still the larger part: about
430 µs of PostgreSQL CPU and 330 µs of Node CPU per applied scan, on two cores.

What would close it: a narrower write for a scan than the whole document (the shipment's tracking
state in its own row, or a \`jsonb_set\` of the one shipment), which removes most of the
serialization, the row parsing and the database's document rewrite; that is a change to the
PostgreSQL adapter's schema and write path, outside this round.`,

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
Together these took the entry from 53.8 KB to 46.5 KB (47,653 bytes). This round's fixes
(label fallbacks fenced by the intent's claim, the stored-index registry) added about 0.5 KB, so
about 7.1 KB are over now.

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
The reservation layer alone meets its own target (row "3. Hot SKU on PostgreSQL"); whole placements
are held to ≥ 3×. Correctness holds: exactly the stock was reserved in every run, every other order
was refused with \`INSUFFICIENT_STOCK\`.

Done in this round: the 1,000 winners' order writes are coalesced into multi-row \`write_orders\`
statements (32 statements for the 1,000 writes in a counted storm). Counted over one storm of 10,000
placements, the storage now sends about 72 statements in all — 20 coalesced level reads, 20
reservation batches, 32 order-write batches — against the baseline's 10,000 UPDATEs.

Because wall-clock ratios swung with the machine's load (3 to 12 on two cores during this round),
the change was also measured as CPU per order, which load barely moves: Node's own CPU plus the
CPU of the pool's PostgreSQL backends (\`/proc/<pid>/stat\`), medians of three storms, side by side
in one process. Naive baseline: 61 µs Node + 135 µs PostgreSQL = 196 µs an order. Placements with
one statement per order write: 143 + 95 = 238 µs. With coalesced writes: 108 + 39 = 147 µs, so on
cores of its own the storm would run at about 1.3× the baseline, and the database's share is now
a fifth of what it is for the baseline.

Why it is still missed: what is left is the engine's own CPU per placement, almost all of it spent on
the 9,000 refusals. A profile of three storms (\`--cpu-prof\`) shows garbage collection at about a
quarter of the time (10,000 placements in flight at once), \`placeOrder\` at about 58 µs an order
inclusive, of which input validation (\`parseInput\`: zod plus the storable-text walk) is 21 µs and
building the \`INSUFFICIENT_STOCK\` error with its stack 11 µs, and the whole storage adapter about
25 µs. On two cores shared with PostgreSQL that alone is longer than the baseline's whole run.

Since then the engine's refusal is built without a stack too (the 11 µs above), as the reservation
batch's refusals already were; this run's figure includes it.

What would close the rest: a refusal that costs less than validating the order. Validation of a
caller's input stays (a refused order must still get \`VALIDATION_FAILED\` when it is malformed), so
the lever is fewer objects per refused placement for the collector, and answering a refusal for a
SKU the last coalesced read showed sold out without allocating — which must not refuse an order a
concurrent receipt could have filled, so it needs the level read anyway. On dedicated cores the
coalesced writes alone would put the storm at about 1.3× (CPU per order above); 3× is not reachable
while a placement costs the engine more CPU than the naive UPDATE costs the database.`,

  'hot-sku-pg': `
Why: the reservation batch runs one locking transaction per batch of concurrent reserves; on a loaded
machine the batch size drops and each batch pays its own commit. Larger batches (\`batchReservations\`)
trade latency for throughput.`,

  'placement-pg': `
Done in this round: concurrent \`createOrder\` / \`updateOrder\` calls of one process are coalesced
into one \`write_orders\` statement per batch (decision 75): one round trip and one commit for the
batch, each write atomic on its own in a subtransaction, with its own typed error. With the
reservation batches that were already there, 16 callers' placements share their commits: a
placement costs the database a share of a level read, a share of a four-statement reservation
transaction and a share of one order-write statement, against ten statements and a commit per order
for the baseline.

Why it is still missed: the figure moved from 0.87× to 1.23× in the first run after the change, and
then ranged 0.77×–1.3× as the machine's load went from 3 to 12 (other benchmarks and test suites
shared the two cores). Measured under that load, the engine spends 600–1,000 µs of Node CPU per
placement (validation, allocation, payment, building and serializing the order), while the baseline
spends its Node time on socket writes only; the more the cores are contended, the more the
engine's own CPU decides the ratio. Batch sizes and in-flight limits (1, 2, 4, 8 batches) made no
difference beyond that noise. Measured as CPU per placement instead (Node plus the pool's
PostgreSQL backends, medians of three rounds of 600 placements side by side in one process): one
statement per order write 1,149 µs Node + 1,483 µs PostgreSQL, coalesced 923 + 983 µs, a third
less database CPU per placement and 1.36× the throughput in that run.

Also measured, not adopted: the 3.9 KB order document is stored pglz-compressed (2.1 KB). Keeping it
inline uncompressed (\`ALTER TABLE orders SET (toast_tuple_target = 8160)\`) took about 13 % off
PostgreSQL's CPU per placement, \`lz4\` compression about 5 %; the first doubles the table on disk
and the baseline's identical table would gain as much, so it is left to deployments to choose.

What would close it: less engine CPU per placement (the same levers as the lifecycle figure: fewer
validations of what the engine built itself, one serialization of the order per command), and a
run on a machine whose cores are not shared with other work.`,

  'scaling-mem': `
Why: \`get\` is a \`Map\` lookup and the unpacking of one document (or a direct copy, for the 64 orders
written last), so the work per call is the same at both sizes; but at 1,000,000 orders the heap is a
few gigabytes and each random lookup touches memory no CPU cache holds (hash bucket, key, document
string, TLB entries), while at 1,000 the whole store stays in cache. The machine sets that floor, not
the adapter: the same probe without the engine or the adapter — a bare \`Map\` of 1,000 or 1,000,000
plain JSON strings of the same order, 20,000 random \`JSON.parse\`s of them, interleaved — gave
1.50×, 1.75×, 3.35×, 1.61× and 1.76× (median 1.75×) in one process on a quiet machine, and the
adapter's own \`getOrder\` at the same two sizes 1.38×–2.09× (median 1.73×). A larger young
generation (\`--max-semi-space-size=64\`) did not change it, so it is not the collector. \`place\`
and \`list\` stay inside the target (they do more work per call that is not a cold read); single
pairs of every operation range from 0.5× to 2.6× on this two-core machine.

Already done: packed orders (decision 76) take the store at 1,000,000 orders from about 4 GB of heap to
about 2.4 GB.

What would close it: nothing in the adapter short of making a cold read touch fewer cache lines —
smaller documents still, or keys and documents laid out together (one buffer per order instead of a
key string, a record and a document string); a target stated against the bare-\`Map\` floor measured
in the same run would say what the adapter itself adds (today about nothing).`,

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
Met. What did it: the memory store packs orders and their histories (decision 76): an object is
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
