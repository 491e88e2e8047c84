// API report: every public subpath's declarations, read from the built .d.ts
// files (dist/), written to api/<subpath>.api.md. The reports are checked in, so
// a change to the public surface shows up as a diff in review.
//
//   node scripts/api-report.mjs           compare with api/ and fail on a difference (npm run check:api)
//   node scripts/api-report.mjs --write   regenerate api/ (npm run api:report builds first)
//
// Subpaths come from package.json "exports", so a new subpath needs no change here.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const apiDir = join(root, 'api');
const write = process.argv.includes('--write');

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const subpaths = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => ({
    name: key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`,
    file: key === '.' ? 'fulfillkit.api.md' : `fulfillkit-${key.slice(2).replaceAll('/', '-')}.api.md`,
    types: resolve(root, pkg.exports[key].import.types),
  }));

function fail(message) {
  console.error(message);
  process.exit(1);
}

// The report describes what `npm run build` produced: refuse to describe a build older than the source.
const missing = subpaths.filter((s) => !existsSync(s.types));
if (missing.length) fail(`api report: ${missing.map((s) => relative(root, s.types)).join(', ')} missing: run npm run build`);
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((t, e) => {
    const path = join(dir, e.name);
    return Math.max(t, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
const builtAt = Math.min(...subpaths.map((s) => statSync(s.types).mtimeMs));
if (newest(join(root, 'src')) > builtAt) fail('api report: dist/ is older than src/: run npm run build (or npm run api:report)');

const program = ts.createProgram(
  subpaths.map((s) => s.types),
  { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true, skipLibCheck: true, noEmit: true },
);
const checker = program.getTypeChecker();
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
const distDir = dirname(subpaths[0].types);
const isOurs = (node) => node.getSourceFile().fileName.startsWith(distDir);

const target = (symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);

function exportsOf(subpath) {
  const source = program.getSourceFile(subpath.types);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) fail(`api report: cannot read ${relative(root, subpath.types)}`);
  // A fixed locale, so every machine sorts (and writes) the report the same way.
  return checker.getExportsOfModule(moduleSymbol).sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

const exported = new Map(subpaths.map((s) => [s, exportsOf(s)]));
const publicSymbols = new Set([...exported.values()].flat().map(target));

function printDeclaration(node) {
  // `declare const x: T` lives in a VariableStatement; print the statement, not the bare declarator.
  const printable = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  return printer
    .printNode(ts.EmitHint.Unspecified, printable, printable.getSourceFile())
    .replace(/^export /, '')
    .replace(/^declare /, '');
}

// Types a public declaration mentions that no subpath exports: a host can meet them but not name them.
function unexportedReferences(node, found) {
  const visit = (n) => {
    const name = ts.isTypeReferenceNode(n) ? n.typeName : ts.isExpressionWithTypeArguments(n) ? n.expression : undefined;
    if (name) {
      const symbol = checker.getSymbolAtLocation(ts.isQualifiedName(name) ? name.right : name);
      const resolved = symbol && target(symbol);
      if (
        resolved &&
        !(resolved.flags & ts.SymbolFlags.TypeParameter) &&
        !publicSymbols.has(resolved) &&
        resolved.declarations?.some(isOurs)
      ) {
        found.add(resolved.name);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
}

function report(subpath) {
  const values = [];
  const types = [];
  const blocks = [];
  const unexported = new Set();
  for (const symbol of exported.get(subpath)) {
    const resolved = target(symbol);
    (resolved.flags & ts.SymbolFlags.Value ? values : types).push(symbol.name);
    const declarations = (resolved.declarations ?? []).filter(isOurs);
    const alias = resolved.name !== symbol.name && resolved.name !== 'default' ? ` (exported as ${symbol.name})` : '';
    const text = declarations.length
      ? declarations.map(printDeclaration).join('\n')
      : `/* ${symbol.name}: re-exported from ${resolved.declarations?.[0]?.getSourceFile().fileName.split('node_modules/')[1] ?? 'a dependency'} */`;
    blocks.push(alias ? `// ${resolved.name}${alias}\n${text}` : text);
    for (const declaration of declarations) unexportedReferences(declaration, unexported);
  }
  const lines = [
    `# API report: \`${subpath.name}\``,
    '',
    `Generated by \`npm run api:report\` from \`${relative(root, subpath.types)}\`; do not edit by hand.`,
    '`npm run check:api` fails when the built declarations differ from this file.',
    '',
    `## Runtime exports (${values.length})`,
    '',
    ...values.map((v) => `- \`${v}\``),
    '',
    `## Type-only exports (${types.length})`,
    '',
    ...types.map((v) => `- \`${v}\``),
    '',
  ];
  if (unexported.size) {
    lines.push(
      '## Referenced but not exported',
      '',
      'The declarations below mention these, but no subpath exports them:',
      '',
      ...[...unexported].sort().map((v) => `- \`${v}\``),
      '',
    );
  }
  lines.push('## Declarations', '', '```ts', blocks.join('\n\n'), '```', '');
  return lines.join('\n');
}

const reports = new Map(subpaths.map((s) => [s.file, report(s)]));

if (write) {
  rmSync(apiDir, { recursive: true, force: true });
  mkdirSync(apiDir, { recursive: true });
  for (const [file, text] of reports) writeFileSync(join(apiDir, file), text);
  console.log(`api report: wrote ${reports.size} files to api/`);
  process.exit(0);
}

const problems = [];
const onDisk = existsSync(apiDir) ? readdirSync(apiDir).filter((f) => f.endsWith('.api.md')) : [];
for (const file of onDisk) if (!reports.has(file)) problems.push(`api/${file} describes no subpath in package.json exports`);
for (const [file, text] of reports) {
  const path = join(apiDir, file);
  if (!existsSync(path)) {
    problems.push(`api/${file} is missing`);
    continue;
  }
  const current = readFileSync(path, 'utf8');
  if (current === text) continue;
  const was = current.split('\n');
  const now = text.split('\n');
  const removed = was.filter((line) => !now.includes(line)).slice(0, 15);
  const added = now.filter((line) => !was.includes(line)).slice(0, 15);
  problems.push(`api/${file} differs from the build:\n${removed.map((l) => `    - ${l}`).join('\n')}\n${added.map((l) => `    + ${l}`).join('\n')}`);
}
if (problems.length) {
  fail(`The public API changed:\n  ${problems.join('\n  ')}\nIf the change is intended, run npm run api:report and commit api/.`);
}
console.log(`api report: ${reports.size} subpaths match api/`);
