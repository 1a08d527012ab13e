// The file exchange port: the folders Treserva and Brygga share (a local folder in a small
// setup, SFTP in production). Paths are relative to the exchange's root, '/'-separated.

/** A complete file waiting in a folder. */
export interface ExchangeEntry {
  name: string;
  size: number;
}

export interface FileExchange {
  /** Where it is, for logs and errors: never a password. */
  readonly description: string;
  /** The complete files directly in `dir`, by name: regular files only, never `*.part` (still being written) nor hidden ones. */
  list(dir: string): Promise<ExchangeEntry[]>;
  /** The file's bytes, or undefined when it is not there (taken meanwhile). */
  read(path: string): Promise<Buffer | undefined>;
  exists(path: string): Promise<boolean>;
  /** Writes atomically: the bytes go to a temporary `*.part` name beside `path`, which is then renamed over `path`. */
  write(path: string, bytes: Buffer): Promise<void>;
  /** Renames `from` to `to` within the exchange, replacing what `to` was. */
  move(from: string, to: string): Promise<void>;
  /** Removes a file; one already gone is no error. */
  remove(path: string): Promise<void>;
  /** Creates the folder and its parents when missing. */
  ensureDir(dir: string): Promise<void>;
  close(): Promise<void>;
}

/** A file still being written, by Treserva (`name.xml.part`) or by Brygga. */
export const isPartial = (name: string): boolean => name.endsWith('.part');

/** Files to read: complete (no `.part`) and not hidden. */
export const isComplete = (name: string): boolean => !isPartial(name) && !name.startsWith('.');

/** The temporary name a file is written under before it is renamed into place. */
export function partialName(path: string, token: string): string {
  return `${path}.${token}.part`;
}

export const join = (...parts: string[]): string => parts.filter((p) => p !== '').join('/').replace(/\/{2,}/g, '/');
