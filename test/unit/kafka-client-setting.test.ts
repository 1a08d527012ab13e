import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { PlatformaticKafkaBus } from '../../src/bus/platformatic-kafka.ts';
import { settingsFromEnv } from '../../src/config/settings.ts';
import { openBus } from '../../src/main.ts';

describe('BRYGGA_KAFKA_CLIENT', () => {
  const logger = pino({ level: 'silent' });
  // Neither client connects before it is used, so no broker is needed here.
  const busOn = (client?: string) => openBus(settingsFromEnv({ KAFKA_BROKERS: '127.0.0.1:9', ...(client === undefined ? {} : { BRYGGA_KAFKA_CLIENT: client }) }), logger);

  it('runs the Kafka bus on kafkajs unless it says platformatic', async () => {
    for (const [client, adapter] of [[undefined, KafkaBus], ['', KafkaBus], ['kafkajs', KafkaBus], ['platformatic', PlatformaticKafkaBus]] as const) {
      const bus = busOn(client);
      expect(bus).toBeInstanceOf(adapter);
      await bus.close();
    }
  });

  it('refuses a client it does not know, naming the variable and the choices', () => {
    expect(() => settingsFromEnv({ BRYGGA_KAFKA_CLIENT: 'rdkafka' })).toThrow(/BRYGGA_KAFKA_CLIENT must be one of kafkajs, platformatic, got 'rdkafka'/);
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
