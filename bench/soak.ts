// `npm run soak`: the hostile-input property of test/engine/command-fuzz.test.ts
// at soak size (10,000 calls on the memory store, 10,000 on PGlite by default).
// `--runs=N` and `--seed=S` override; `--storage=memory|pglite` runs one store.
import { type CommandFuzzReport, fuzzCommands } from '../test/helpers/command-fuzz.js';

const args = process.argv.slice(2);
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const runs = Number(option('runs') ?? 10_000);
const seed = option('seed') === undefined ? Date.now() % 2 ** 31 : Number(option('seed'));
const stores = (option('storage') ?? 'memory,pglite').split(',') as ('memory' | 'pglite')[];

async function main(): Promise<number> {
  let failed = false;
  for (const storage of stores) {
    const started = performance.now();
    process.stdout.write(`• ${storage}: ${runs} hostile calls, seed ${seed} … `);
    try {
      const report: CommandFuzzReport = await fuzzCommands({ storage, runs, seed });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`ok in ${seconds} s: ${report.succeeded} succeeded, refused ${JSON.stringify(report.refused)}\n`);
    } catch (err) {
      failed = true;
      process.stdout.write('FAILED\n');
      console.error(err instanceof Error ? err.message : err);
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
