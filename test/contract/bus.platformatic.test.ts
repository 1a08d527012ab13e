import { PlatformaticKafkaBus } from '../../src/bus/platformatic-kafka.ts';
import { kafkaBusSuite } from './kafka-bus.suite.ts';

kafkaBusSuite('platformatic-kafka', (options) => new PlatformaticKafkaBus(options));
