import { pino } from 'pino';
import { inject } from 'vitest';
import { KafkaBus } from '../../src/bus/kafka.ts';
import { busContract } from './bus.contract.ts';

busContract('kafka', async () =>
  new KafkaBus({
    brokers: inject('kafkaBrokers').split(','),
    clientId: 'brygga-contract',
    logger: pino({ level: process.env.LOG_LEVEL ?? 'silent' }),
  }),
);
