// Durable file steps shared by the embedded bus and store: what they write must survive a crash.
import { open, readFile, rename } from 'node:fs/promises';

/** Replaces a file's content all at once: temporary file, fsync, rename. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}

/** Makes a directory's entries (a created or renamed file) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A file's bytes, or undefined when it does not exist (any other error is thrown). */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
