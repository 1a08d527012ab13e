// The repository's documents link only to files in the repository: every relative link in every
// markdown file (README.md, docs/, the connectors' and modules' READMEs) names a file or folder
// that exists, inside the checkout.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const markdownFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && existsSync(join(root, file)));

/** Link targets outside code: inline `[text](target)`, images, and reference definitions `[id]: target`. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, '').replace(/`[^`\n]*`/g, '');
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]!);
  return [...inline, ...references];
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#');

describe('links in the markdown files', () => {
  it('finds the documents, and links in them', () => {
    expect(markdownFiles).toEqual(expect.arrayContaining(['README.md', 'docs/routines.md', 'connectors/lifecare/README.md']));
    expect(markdownFiles.flatMap((file) => linkTargets(readFileSync(join(root, file), 'utf8'))).length).toBeGreaterThan(10);
  });

  it.each(markdownFiles)('%s: every relative link names an existing file in the repository', (file) => {
    const broken = linkTargets(readFileSync(join(root, file), 'utf8'))
      .filter((target) => !isExternal(target))
      .filter((target) => {
        const path = resolve(dirname(join(root, file)), decodeURIComponent(target.replace(/[#?].*$/, '')));
        return relative(root, path).startsWith('..') || !existsSync(path);
      });
    expect(broken).toEqual([]);
  });

  it('names no document kept outside the repository', () => {
    const outside = markdownFiles.filter((file) => /\b(ROUTINES|CONVENTIONS)\.md\b/.test(readFileSync(join(root, file), 'utf8')));
    expect(outside).toEqual([]);
  });
});
