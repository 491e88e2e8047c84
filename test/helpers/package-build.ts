// The package's JavaScript, built from tsup.config.ts into a directory of the
// caller's choosing. Tests that load the built package use it instead of
// `npm run build`: declarations take most of a full build, and they are checked
// by `npm run check:package` and `npm run check:api` instead.
import { build } from 'tsup';
import configs from '../../tsup.config.js';

/** Build every entry as ESM and CommonJS, without declarations or source maps, into `outDir`. */
export async function buildJavaScript(outDir: string): Promise<void> {
  const list = Array.isArray(configs) ? configs : [configs];
  for (const options of list) {
    if (typeof options === 'function') throw new Error('tsup.config.ts must export plain options');
    await build({ ...options, outDir, dts: false, sourcemap: false, silent: true, config: false });
  }
}
