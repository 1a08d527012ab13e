// An in-memory key-value store that rebuild replays the log into, through the live stages' own
// projection code; the result is then compared with the real store. Never persisted.
import type { KeyValueStore } from '../store/store.ts';

export class ScratchKeyValues implements KeyValueStore {
  readonly values = new Map<string, string>();
  readonly lists = new Map<string, string[]>();
  /** Keys the replay deleted and did not set again: the real store must not hold them. */
  readonly deleted = new Set<string>();

  async setIfAbsent(key: string, value: string): Promise<boolean> {
    if (this.values.has(key)) return false;
    await this.set(key, value);
    return true;
  }

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    this.deleted.delete(key);
  }

  async delete(key: string): Promise<void> {
    if (this.values.delete(key)) this.deleted.add(key);
  }

  async append(key: string, value: string): Promise<void> {
    const list = this.lists.get(key);
    if (list) list.push(value);
    else this.lists.set(key, [value]);
  }

  async range(key: string): Promise<string[]> {
    return [...(this.lists.get(key) ?? [])];
  }
}
