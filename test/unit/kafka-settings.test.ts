import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { settingsFromEnv } from '../../src/config/settings.ts';
import { openBus } from '../../src/main.ts';

describe('KAFKA_BROKERS', () => {
  it('runs the bus on Kafka when brokers are named', async () => {
    // The Kafka bus does not connect before it is used, so no broker is needed here.
    const bus = openBus(settingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9' }), pino({ level: 'silent' }));
    expect(bus).toBeInstanceOf(KafkaBus);
    await bus.close();
  });
});

describe('BRYGGA_KAFKA_FETCH_MAX_WAIT_MS', () => {
  it('takes whole milliseconds and refuses anything else, naming the variable', () => {
    expect(settingsFromEnv({ BRYGGA_KAFKA_FETCH_MAX_WAIT_MS: '50' }).kafkaFetchMaxWaitMs).toBe(50);
    expect(settingsFromEnv({}).kafkaFetchMaxWaitMs).toBeUndefined();
    for (const bad of ['0', '1.5', 'soon', '60000']) {
      expect(() => settingsFromEnv({ BRYGGA_KAFKA_FETCH_MAX_WAIT_MS: bad })).toThrow(/BRYGGA_KAFKA_FETCH_MAX_WAIT_MS must be whole milliseconds from 1 to 30000/);
    }
  });
});
