// Child process of the memory benchmark (needs --expose-gc): heap held per
// order by the memory adapter, and by the same orders as bare JSON strings.
import { memoryStorage } from '../src/storage/memory/memory-storage.js';
import { orderKeys, orderTags } from '../src/engine/order-index.js';
import { WAREHOUSE, benchOrder, benchShop } from './shop.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (typeof gc !== 'function') throw new Error('heap-probe needs node --expose-gc');
const collect = gc;

function settled(): number {
  for (let i = 0; i < 4; i++) collect();
  return process.memoryUsage().heapUsed;
}

async function round(orders: number, namespace: string): Promise<{ adapter: number; stored: number; json: number; jsonChars: number }> {
  const { ff, storage } = benchShop(undefined, namespace);
  for (const sku of ['TEE-M', 'MUG-1']) await ff.inventory.receive({ sku, locationId: WAREHOUSE.id, quantity: orders });
  const ids: string[] = [];
  for (let i = 0; i < orders; i++) ids.push((await ff.orders.place(benchOrder())).id);

  // Baseline: the same orders as JSON text in a Map, nothing else.
  const bare = new Map<string, string>();
  let jsonChars = 0;
  for (const id of ids) {
    const text = JSON.stringify(await storage.getOrder(id));
    jsonChars += text.length;
    bare.set(id, text);
  }
  const withBare = settled();
  bare.clear();
  const json = (withBare - settled()) / orders;

  // The stored order alone: the same documents with their lookup keys, index
  // tags and history, written to a second adapter exactly as the engine writes them.
  const copy = memoryStorage();
  for (const id of ids) {
    const order = await storage.getOrder(id);
    if (order === null) throw new Error(`order ${id} missing`);
    await copy.createOrder({ order, keys: orderKeys(order), tags: orderTags(order), events: await storage.orderEvents(id) });
  }
  const withCopy = settled();
  await copy.close();
  const stored = (withCopy - settled()) / orders;

  // Subject: everything the adapter holds for them (orders, events, reservations, ledger, outbox);
  // closing drops it, and the other adapters stay alive across both readings.
  const withStore = settled();
  await storage.close();
  const adapter = (withStore - settled()) / orders;
  return { adapter, stored, json, jsonChars: jsonChars / orders };
}

const orders = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 3);
const results = [];
for (let r = 0; r < rounds; r++) results.push(await round(orders, `m${r}_`));
process.stdout.write(`${JSON.stringify(results)}\n`);
