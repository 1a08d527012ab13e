// A deadline service on a given store, publishing to a given bus, for tests that sweep by hand.
import type { Bus } from '../../src/bus/bus.ts';
import { EventPublisher } from '../../src/canonical/publisher.ts';
import type { Clock } from '../../src/clock.ts';
import { loadConfig } from '../../src/config/load.ts';
import { DEFAULT_CONFIG_FILE } from '../../src/config/settings.ts';
import { DeadlineService } from '../../src/deadlines/service.ts';
import { deadlineSetup } from '../../src/main.ts';
import { HealthBoard } from '../../src/health.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { Store } from '../../src/store/store.ts';
import { testLogger } from './logs.ts';

export function deadlineServiceOn(bus: Bus, store: Store, clock: Clock): DeadlineService {
  const { rules, calendar } = deadlineSetup(loadConfig(DEFAULT_CONFIG_FILE, {}));
  return new DeadlineService({
    bus, store, clock, rules, calendar,
    publisher: new EventPublisher(bus, clock),
    metrics: createMetrics(),
    health: new HealthBoard(() => Date.now()),
    logger: testLogger().child({ component: 'deadlines' }),
    sweepIntervalMs: 1000,
    leaseMs: 30_000,
  });
}
