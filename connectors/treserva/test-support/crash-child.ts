// A poller in a process of its own, for the crash test: it hands the files to the intake and,
// once the intake accepted the first one (its events durably on the bus), writes the signal
// file and waits without moving it, to be killed with SIGKILL right there.
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { withDefaults } from '../config.ts';
import { LocalExchange } from '../exchange/local.ts';
import { TreservaPoller } from '../poller.ts';
import { openHarness } from './harness.ts';

const [dataDir, exchangeRoot, signalFile] = process.argv.slice(2) as [string, string, string];
const harness = await openHarness(dataDir, pino({ level: 'silent' }));
const config = withDefaults({ exchange: exchangeRoot, pollIntervalMs: 100 });
const poller = new TreservaPoller(new LocalExchange(exchangeRoot), config, harness.ctx, {
  async afterIntake(name, outcome) {
    writeFileSync(signalFile, JSON.stringify({ name, accepted: outcome.accepted }));
    await new Promise(() => undefined); // never moves the file: the SIGKILL comes here
  },
});
await poller.start();
