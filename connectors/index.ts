// Every system Brygga integrates. Adding one: its folder under connectors/, one line here, and its
// block under `systems` in the configuration.
import type { Connector } from '../src/connectors/connector.ts';
import { lifecare } from './lifecare/index.ts';
import { mail } from './mail/index.ts';
import { paraply } from './paraply/index.ts';
import { treserva } from './treserva/index.ts';

export const CONNECTORS: readonly Connector[] = [lifecare as Connector, paraply as Connector, treserva as Connector, mail as Connector];
