import { pino } from 'pino';
import { afterAll, inject } from 'vitest';
import { PlatformaticKafkaBus } from '../../src/bus/platformatic-kafka.ts';
import { resolveKafka39 } from '../support/infra.ts';
import { busContract } from './bus.contract.ts';

const contractBus = (brokers: string): PlatformaticKafkaBus =>
  new PlatformaticKafkaBus({ brokers: brokers.split(','), clientId: 'brygga-contract', logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }) });

// The same brokers as the kafkajs adapter's contract: the newest Kafka 4.x, and the 3.9 line.
busContract('platformatic-kafka', async () => contractBus(inject('kafkaBrokers')));

let kafka39: Awaited<ReturnType<typeof resolveKafka39>> | undefined;
afterAll(async () => kafka39?.teardown());
busContract('platformatic-kafka 3.9', async () => {
  kafka39 = await resolveKafka39();
  return contractBus(kafka39.brokers);
});
