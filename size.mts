import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const r = await build({ entryPoints: ['src/index.ts'], bundle: true, minify: true, format: 'esm', write: false, external: ['xstate', 'zod', 'nanoid'], platform: 'neutral', mainFields: ['module', 'main'], target: 'es2022', metafile: true, logLevel: 'silent' });
console.log('gz', gzipSync(r.outputFiles[0].contents, { level: 9 }).length);
const text = new TextDecoder().decode(r.outputFiles[0].contents);
const needle = process.argv[2];
if (needle) { const i = text.indexOf(needle); console.log(text.slice(Math.max(0, i - 200), i + 2600)); }
