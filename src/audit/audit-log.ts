// The audit log: who read personal data, what, when and from where. Apart from the application
// log, one append-only file per month (`<dataDir>/audit/audit-YYYY-MM.ndjson`, UTC month), a
// JSON line per read, each on disk (fsync) before the data is answered. Brygga never rewrites
// or deletes these files; their retention is the municipality's (README).
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';

export interface AuditEntry {
  /** The API key's name, the OIDC subject, or the operating-system user of a CLI command. */
  who: string;
  role: string;
  via: 'api-key' | 'oidc' | 'open' | 'cli';
  /** The route (`GET /api/orders/:id`) or command (`brygga orders trace`). */
  action: string;
  /** What was asked for: route parameters and query, or the command's arguments. */
  target: Record<string, unknown>;
  /** The caller's address; `local` for a command. */
  from: string;
}

export class AuditLog {
  constructor(
    private readonly dir: string,
    private readonly now: () => number,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    const time = new Date(this.now()).toISOString();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const handle = await open(join(this.dir, `audit-${time.slice(0, 7)}.ndjson`), 'a', 0o600);
    try {
      await handle.appendFile(`${JSON.stringify({ time, ...entry })}\n`);
      await handle.datasync();
    } finally {
      await handle.close();
    }
  }
}
