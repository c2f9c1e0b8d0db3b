/**
 * `npm run demo:scale -- --consumers 100000`: adds a network at scale to DATABASE_URL (after
 * `npm run migrate`) for benchmarks: feeders of 5,000 consumers under sec-kaloor, some on life
 * support and some social objects. The demo data `npm start` loads stays small.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { createDatabase } from '../db/client';
import { failStart } from './lib/fail-start';
import { loadScaleNetwork } from './lib/demo-scale';
import { databaseUrlOf } from './lib/seva-process';

const { values: args } = parseArgs({
  options: {
    consumers: { type: 'string', default: '100000' },
    'per-feeder': { type: 'string', default: '5000' },
  },
});

async function main() {
  const config = loadConfig();
  const database = createDatabase(databaseUrlOf(config), { max: 2 });
  const t0 = performance.now();
  const feeders = await loadScaleNetwork(database.db, {
    consumers: Math.max(1, Number(args.consumers)),
    perFeeder: Math.max(100, Number(args['per-feeder'])),
  });
  console.error(
    `${args.consumers} consumers on ${feeders.length} feeders (${feeders[0]} … ${feeders.at(-1)}) in ${Math.round(performance.now() - t0)} ms`,
  );
  await database.close();
}

main().then(() => process.exit(0), failStart('demo:scale'));
