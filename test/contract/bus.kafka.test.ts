import { KafkaBus } from '../../src/bus/kafka.ts';
import { kafkaBusSuite } from './kafka-bus.suite.ts';

kafkaBusSuite('kafka', (options) => new KafkaBus(options));
