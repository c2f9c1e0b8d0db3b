/**
 * `npm run temporal:provision-server`: find or build the production profile's Temporal server, SQL
 * tool and UI server in .tools/bin (see scripts/lib/temporal-server-tools.ts) and print their paths.
 */
import { resolveTemporalServerTools, TEMPORAL_SERVER_TOOLS } from './lib/temporal-server-tools';

const started = Date.now();
const { paths, buildSeconds } = await resolveTemporalServerTools({
  toolsDir: '.tools',
  log: (m) => console.error(m),
});
for (const [tool, path] of Object.entries(paths)) {
  const seconds = buildSeconds[tool as keyof typeof paths];
  const spec = TEMPORAL_SERVER_TOOLS[tool as keyof typeof paths];
  console.error(
    `${spec.binary} ${spec.version}: ${seconds === undefined ? 'reused' : `built in ${seconds}s`} (${path})`,
  );
  console.log(path);
}
console.error(`Temporal server tools ready in ${Math.round((Date.now() - started) / 1000)}s`);
