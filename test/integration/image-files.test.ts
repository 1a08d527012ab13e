// The Docker image holds only the files .dockerignore lets through and only the production
// dependencies (`npm ci --omit=dev`). No engine builds it here, so this takes the same files into
// a folder and proves Brygga starts from them and serves its pages, the health check answers,
// and everything the image's code imports is a production dependency.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnBrygga, type BryggaProcess } from '../support/brygga-process.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Docker's rule: the last pattern matching the path, or one of its parent folders, decides. */
function dockerignore(patterns: string[]): (path: string) => boolean {
  const rules = patterns.map((line) => {
    const keep = line.startsWith('!');
    const glob = line.slice(keep ? 1 : 0).replace(/\/$/, '');
    const source = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*\//g, '\u0000').replace(/\*\*/g, '.*').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]').replace(/\u0000/g, '(?:.*/)?');
    return { keep, pattern: new RegExp(`^${source}$`) };
  });
  return (path) => {
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const { keep, pattern } of rules) if (prefixes.some((p) => pattern.test(p))) ignored = !keep;
    return ignored;
  };
}

const patterns = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const ignored = dockerignore(patterns);
const imageFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((file) => file && !ignored(file));

describe('the files the image holds', () => {
  it('are the code, the configuration and the licence, without tests, fixtures or other documents', () => {
    expect(imageFiles).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'LICENSE', 'scripts/brygga.mjs', 'scripts/healthcheck.mjs', 'config/brygga.example.yaml', 'src/main.ts', 'connectors/index.ts']));
    expect(imageFiles.filter((f) => /\.test\.ts$|\/fixtures\/|\/test-support\/|^test\/|^docs\/|^\.ci\//.test(f))).toEqual([]);
  });

  it('import only production dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const packages = new Set<string>();
    for (const file of imageFiles.filter((f) => /\.(ts|mjs|js)$/.test(f))) {
      const code = readFileSync(join(root, file), 'utf8');
      // Type-only imports are erased by tsx and need nothing at run time.
      const specifiers = [
        ...code.matchAll(/^\s*(?:import(?!\s+type\b)[^'"]*?from\s*|import\s*\(?\s*|export\s+[^'"]*?from\s*)['"]([^'"./][^'"]*)['"]/gm),
        ...code.matchAll(/\brequire(?:\.resolve)?\(\s*['"]([^'"./][^'"]*)['"]/g),
      ].map((m) => m[1]!);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:') || builtinModules.includes(specifier)) continue;
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!);
      }
    }
    expect(packages).toContain('tsx');
    expect(packages).toContain('dejavu-fonts-ttf');
    expect([...packages].filter((name) => !(name in pkg.dependencies))).toEqual([]);
  });

  describe('started as the image starts them', () => {
    let dir: string;
    let brygga: BryggaProcess;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'brygga-image-'));
      for (const file of imageFiles) cpSync(join(root, file), join(dir, 'app', file));
      symlinkSync(join(root, 'node_modules'), join(dir, 'app', 'node_modules'), 'dir');
      brygga = await spawnBrygga({ BRYGGA_DATA_DIR: join(dir, 'data') }, { cwd: join(dir, 'app') });
    });
    afterAll(async () => {
      await brygga?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('serve the dashboard, the API documentation and /health, which the health check reads', async () => {
      for (const path of ['/', '/dashboard/app.js', '/docs', '/openapi.json', '/health']) expect((await fetch(new URL(path, brygga.url))).status, path).toBe(200);
      const port = new URL(brygga.url).port;
      const check = (p: string): number => {
        try {
          execFileSync(process.execPath, ['scripts/healthcheck.mjs'], { cwd: join(dir, 'app'), env: { ...process.env, PORT: p }, stdio: 'pipe' });
          return 0;
        } catch (error) {
          return (error as { status: number }).status;
        }
      };
      expect(check(port)).toBe(0);
      await brygga.stop();
      expect(check(port)).toBe(1);
    });
  });
});
