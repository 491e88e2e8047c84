// The API reference: every runtime export of every public subpath carries a
// TSDoc @example. (That typedoc builds it with the guides and no warnings is
// checked by `npm run docs` in CI: typedoc.json treats warnings as errors.)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => join(root, 'src', `${key === '.' ? 'index' : key.slice(2)}.ts`));

it('every runtime export of every subpath has an @example', () => {
  const program = ts.createProgram(entries, {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const missing: string[] = [];
  let runtime = 0;
  for (const entry of entries) {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    expect(moduleSymbol, entry).toBeDefined();
    for (const symbol of checker.getExportsOfModule(moduleSymbol!)) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      if (!(target.flags & ts.SymbolFlags.Value)) continue;
      runtime++;
      if (!target.getJsDocTags(checker).some((tag) => tag.name === 'example')) missing.push(`${entry.slice(root.length + 1)}: ${symbol.name}`);
    }
  }
  expect(runtime).toBeGreaterThan(100);
  expect(missing).toEqual([]);
});

