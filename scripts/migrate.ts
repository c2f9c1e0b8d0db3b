/**
 * `npm run migrate`: migrations, the catalogue and (DEMO_DATA) demo data on DATABASE_URL, under the
 * same advisory lock the API takes at start, so it is safe beside a starting API. Then exits.
 */
import { loadConfig } from '../config';
import { failStart } from './lib/fail-start';
import { databaseUrlOf, prepareDatabase } from './lib/seva-process';

async function main() {
  const config = loadConfig();
  await prepareDatabase(databaseUrlOf(config), config, (m) => console.error(m));
  console.error('migrations applied');
}

main().then(() => process.exit(0), failStart('migrate'));
