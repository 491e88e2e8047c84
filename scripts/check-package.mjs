// Package checks: the exports map, tsup entries, typedoc entry points and
// source files must agree; then publint and Are The Types Wrong on the packed tarball.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const typedoc = JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8'));
const tsupSource = readFileSync(join(root, 'tsup.config.ts'), 'utf8');
const problems = [];

const subpaths = Object.keys(pkg.exports).filter((k) => k !== './package.json');
const entryOf = (subpath) => (subpath === '.' ? 'index' : subpath.slice(2));
for (const subpath of subpaths) {
  const name = entryOf(subpath);
  const src = `src/${name}.ts`;
  if (!existsSync(join(root, src))) problems.push(`${subpath}: ${src} does not exist`);
  if (!tsupSource.includes(`${name}: '${src}'`)) problems.push(`${subpath}: tsup.config.ts has no entry "${name}: '${src}'"`);
  if (!typedoc.entryPoints.includes(src)) problems.push(`${subpath}: typedoc.json does not list ${src}`);
  const conditions = pkg.exports[subpath];
  for (const [condition, ext] of [['import', ['.js', '.d.ts']], ['require', ['.cjs', '.d.cts']]]) {
    const target = conditions[condition];
    if (!target) {
      problems.push(`${subpath}: no "${condition}" condition`);
      continue;
    }
    if (target.default !== `./dist/${name}${ext[0]}`) problems.push(`${subpath}.${condition}.default should be ./dist/${name}${ext[0]}`);
    if (target.types !== `./dist/${name}${ext[1]}`) problems.push(`${subpath}.${condition}.types should be ./dist/${name}${ext[1]}`);
    for (const file of [target.default, target.types]) {
      if (file && !existsSync(join(root, file))) problems.push(`${file} missing: run npm run build`);
    }
  }
}
for (const entry of typedoc.entryPoints) {
  const name = entry.replace(/^src\//, '').replace(/\.ts$/, '');
  if (!subpaths.includes(name === 'index' ? '.' : `./${name}`)) problems.push(`typedoc entry ${entry} has no export subpath`);
}
if (Object.keys(pkg.dependencies ?? {}).sort().join() !== 'nanoid,xstate,zod') {
  problems.push(`runtime dependencies must be xstate, zod and nanoid only; found ${Object.keys(pkg.dependencies ?? {}).join(', ')}`);
}
if (problems.length) {
  console.error(`Package layout problems:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`exports, tsup entries and typedoc entry points agree (${subpaths.length} subpaths)`);

const packDir = join(root, '.pack');
rmSync(packDir, { recursive: true, force: true });
mkdirSync(packDir);
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', packDir], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
const tgz = join(packDir, tarball);
const bin = (name) => join(root, 'node_modules', '.bin', name);
execFileSync(bin('publint'), ['run', tgz, '--strict'], { cwd: root, stdio: 'inherit' });
execFileSync(bin('attw'), [tgz, '--profile', 'node16'], { cwd: root, stdio: 'inherit' });
rmSync(packDir, { recursive: true, force: true });
console.log('package checks passed');
