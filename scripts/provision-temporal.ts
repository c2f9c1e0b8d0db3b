/** `npm run temporal:provision`: find or build the Temporal CLI (see scripts/lib/temporal-cli.ts) and print its path. */
import { execFileSync } from 'node:child_process';
import { loadConfig } from '../config';
import { resolveTemporalCli } from './lib/temporal-cli';

const config = loadConfig();
const path = await resolveTemporalCli({
  configured: config.temporal.cliPath,
  toolsDir: '.tools',
  log: (m) => console.error(m),
});
const version = execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
console.error(`Temporal CLI ready: ${version}`);
console.log(path);
