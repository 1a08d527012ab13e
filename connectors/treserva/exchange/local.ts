// The file exchange as a local folder (or a mounted share): a write is fsynced under its
// temporary name, renamed into place and the folder fsynced, so a crash leaves the whole file or none.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { resolve, dirname } from 'node:path';
import { isComplete, partialName, type ExchangeEntry, type FileExchange } from './exchange.ts';

const missing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class LocalExchange implements FileExchange {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `file://${this.root}`;
  }

  private at(path: string): string {
    return resolve(this.root, path);
  }

  async list(dir: string): Promise<ExchangeEntry[]> {
    const entries = await readdir(this.at(dir), { withFileTypes: true });
    const files = entries.filter((e) => e.isFile() && isComplete(e.name)).map((e) => e.name).sort();
    const found: ExchangeEntry[] = [];
    for (const name of files) {
      try {
        found.push({ name, size: (await stat(this.at(`${dir}/${name}`))).size });
      } catch (error) {
        if (!missing(error)) throw error;
      }
    }
    return found;
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.at(path));
    } catch (error) {
      if (missing(error)) return undefined;
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    try {
      await stat(this.at(path));
      return true;
    } catch (error) {
      if (missing(error)) return false;
      throw error;
    }
  }

  async write(path: string, bytes: Buffer): Promise<void> {
    const target = this.at(path);
    const temporary = partialName(target, randomBytes(4).toString('hex'));
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await fsyncDir(dirname(target));
  }

  async move(from: string, to: string): Promise<void> {
    await rename(this.at(from), this.at(to));
    await fsyncDir(dirname(this.at(to)));
  }

  async remove(path: string): Promise<void> {
    await rm(this.at(path), { force: true });
  }

  async ensureDir(dir: string): Promise<void> {
    await mkdir(this.at(dir), { recursive: true });
  }

  async close(): Promise<void> {}
}
