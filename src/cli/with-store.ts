// What the store-repairing commands share: the process settings and configuration, the deadline
// rules and calendar, the adapters (data directory locked on the embedded default), the topics
// as `brygga start` creates them, and the adapters closed whatever happens. The run's number
// becomes the exit code.
import type { Bus } from '../bus/bus.ts';
import type { SwedishCalendar } from '../calendar/calendar.ts';
import { loadConfig } from '../config/load.ts';
import type { BryggaConfig } from '../config/schema.ts';
import { settingsFromEnv } from '../config/settings.ts';
import type { DeadlineRule } from '../deadlines/rules.ts';
import { createLogger } from '../logger.ts';
import { deadlineSetup, openAdapters, topicSpecs } from '../main.ts';
import { requireData } from './data-dir.ts';
import type { Store } from '../store/store.ts';

export interface StoreCommandContext {
  config: BryggaConfig;
  rules: DeadlineRule[];
  calendar: SwedishCalendar;
  bus: Bus;
  store: Store;
  progress: (line: string) => void;
  out: (line: string) => void;
}

export async function withStore(run: (ctx: StoreCommandContext) => Promise<number>): Promise<void> {
  const settings = settingsFromEnv(process.env);
  // The log is what these commands read; a lost store is what rebuild is for.
  requireData(settings, ['bus']);
  const config = loadConfig(settings.configFile, settings.env);
  const { rules, calendar } = deadlineSetup(config);
  const { bus, store } = openAdapters(settings, createLogger({ level: 'warn' }));
  try {
    // As `brygga start` does: a topic nothing was ever written to reads as empty.
    await bus.ensureTopics(topicSpecs(config));
    process.exitCode = await run({
      config, rules, calendar, bus, store,
      progress: (line) => process.stderr.write(`rebuild: ${line}\n`),
      out: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    await bus.close();
    await store.close();
  }
}
