// What the README and the guides link to ships in the npm package, so the
// links resolve for someone reading them from node_modules or the tarball.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set((pack?.files ?? []).map((f) => f.path));
}

// Relative link targets in a markdown file, without anchors; web links are not files.
function relativeLinks(markdown: string): string[] {
  const links = [...markdown.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
  return links.filter((l) => !/^[a-z]+:/i.test(l) && !l.startsWith('#')).map((l) => l.split('#')[0] as string);
}

describe('the npm package', () => {
  const files = packedFiles();

  it('ships the guides and the examples they walk through', () => {
    for (const path of ['docs/guides/writing-a-carrier-adapter.md', 'docs/guides/writing-a-payment-adapter.md', 'examples/custom-carrier.ts']) {
      expect(files.has(path), `${path} is in the tarball`).toBe(true);
    }
  });

  it('resolves every relative link of the README and of the shipped markdown', () => {
    const markdown = [...files].filter((f) => f.endsWith('.md'));
    expect(markdown).toContain('README.md');
    const broken: string[] = [];
    for (const file of markdown) {
      for (const link of relativeLinks(readFileSync(join(root, file), 'utf8'))) {
        const target = normalize(join(dirname(file), link)).replaceAll('\\', '/');
        if (!files.has(target)) broken.push(`${file} → ${link}`);
      }
    }
    expect(broken, 'links to files the tarball lacks').toEqual([]);
  });
});
