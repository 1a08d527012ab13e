// One owner per data directory: the embedded bus and store assume they are the only writer of
// their files, so the composition root takes this lock before either touches the directory.
// Kafka and Redis need none: several instances on them is the point.
//
// The lock is a file created atomically (link, which fails like O_EXCL when it exists) holding the owner's pid, host, boot id and start time.
// A lock whose owner is gone (dead pid, or a boot since) is taken over, with a log line; a live
// owner refuses the second with BRY_DATA_DIR_IN_USE. Released when the last holder closes, and
// on process exit.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { BryggaError } from './errors.ts';

export const LOCK_FILE = 'brygga.lock';

interface Owner {
  pid: number;
  host: string;
  bootId?: string;
  startedAt: string;
}

/** Directories this process holds: a pid equal to ours is only a live owner if we hold it. */
const held = new Set<string>();

export class DataDirLock {
  private holders = 0;
  private released = false;
  private readonly onExit = (): void => this.removeFile();

  private constructor(
    readonly dir: string,
    readonly file: string,
    private readonly content: string,
  ) {
    process.once('exit', this.onExit);
  }

  /** Takes the directory (creating it), or throws BRY_DATA_DIR_IN_USE naming the live owner. */
  static acquire(dataDir: string, logger: Logger): DataDirLock {
    const dir = resolve(dataDir);
    const file = join(dir, LOCK_FILE);
    mkdirSync(dir, { recursive: true });
    const content = `${JSON.stringify(self())}\n`;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (createExclusive(file, content)) {
        held.add(dir);
        return new DataDirLock(dir, file, content);
      }
      let found: string;
      try {
        found = readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw err;
      }
      const owner = parseOwner(found);
      const verdict = judge(owner, dir);
      if (verdict.live) {
        throw new BryggaError(
          'BRY_DATA_DIR_IN_USE',
          `data directory ${dir} is in use by ${describe(owner)}${verdict.why}; stop it first (if no Brygga runs there, remove ${file})`,
        );
      }
      if (takeOver(file, found)) {
        logger.warn({ dataDir: dir, previousOwner: owner ?? 'unreadable', why: verdict.why.trim() }, 'taking over the data directory lock of a Brygga that is no longer running');
      }
    }
    throw new BryggaError('BRY_DATA_DIR_IN_USE', `data directory ${dir}: could not take its lock ${file} (other processes keep changing it)`);
  }

  /** Registers one more holder and returns its release; the lock goes with the last release. */
  share(): () => void {
    this.holders++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.holders <= 0) this.release();
    };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    this.removeFile();
    held.delete(this.dir);
  }

  private removeFile(): void {
    try {
      // Only our own lock: never one a later owner took over after we were presumed dead.
      if (readFileSync(this.file, 'utf8') === this.content) unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}

function self(): Owner {
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId() ? { bootId: bootId() } : {}),
    startedAt: new Date(Date.now() - Math.round(process.uptime() * 1000)).toISOString(),
  };
}

/** Creates the lock with its whole content or not at all: write a private file, then link it. */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, file); // fails with EEXIST like O_EXCL, but never leaves a half-written lock
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Removes a stale lock only if it still holds what we judged stale: rename it aside, check the
 * content, and put it back (link: never over a newer lock) if another process got there first.
 */
function takeOver(file: string, stale: string): boolean {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = readFileSync(aside, 'utf8');
  if (moved !== stale) {
    try {
      linkSync(aside, file);
    } catch {
      // a third process created a lock meanwhile; it is the owner now
    }
  }
  unlinkSync(aside);
  return moved === stale;
}

function parseOwner(content: string): Owner | undefined {
  try {
    const o = JSON.parse(content) as Owner;
    return Number.isInteger(o.pid) && o.pid > 0 && typeof o.host === 'string' ? o : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the owner may still run, and why we think so or not (for the message and the log). */
function judge(owner: Owner | undefined, dir: string): { live: boolean; why: string } {
  // Never written half by us (see createExclusive): a damaged file, no owner to protect.
  if (!owner) return { live: false, why: ' (unreadable lock file)' };
  if (owner.host !== hostname()) return { live: true, why: ' (on another host: cannot tell whether it still runs)' };
  if (owner.bootId && bootId() && owner.bootId !== bootId()) return { live: false, why: ' (the machine has restarted since)' };
  if (owner.pid === process.pid) {
    // Our pid: this process, or an earlier one that had the same pid (a container's pid 1).
    return held.has(dir) ? { live: true, why: ' (this process)' } : { live: false, why: ' (an earlier process with this pid)' };
  }
  return isAlive(owner.pid) ? { live: true, why: '' } : { live: false, why: ` (process ${owner.pid} is not running)` };
}

function describe(owner: Owner | undefined): string {
  return owner ? `process ${owner.pid} on ${owner.host} (started ${owner.startedAt})` : 'another process';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let cachedBootId: string | null | undefined;
function bootId(): string | undefined {
  if (cachedBootId === undefined) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      cachedBootId = null;
    }
  }
  return cachedBootId ?? undefined;
}
