/**
 * A worker alone in its process, as deployed, for `npm run bench`: the open-requests scenario
 * measures this process's resident memory while it holds open workflows in its cache; the intake
 * bench its CPU per report. Config comes
 * from the parent as JSON (the first argument), the cache size as the second.
 */
import { createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { loadConfig } from '../../config';
import { createDatabase } from '../../db/client';
import { createLogger } from '../../lib/logger';
import { connectClient, connectWorkerConnection } from '../../lib/temporal';
import { createActivityDeps } from '../../worker/activity-deps';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { lowerWorkerPriority } from '../../worker/priority';
import { installTemporalRuntime } from '../../worker/runtime';

const config = loadConfig(JSON.parse(process.argv[2] ?? '{}') as Record<string, string>); // from the parent
// before the SDK's threads exist, so that they inherit it (WORKER_NICE, as `npm run worker`)
lowerWorkerPriority(config.worker.nice, createLogger(config));
installTemporalRuntime(createLogger(config));
const database = createDatabase(config.database.url!, { max: 4 });
const client = await connectClient(config);
const { deps } = await createActivityDeps(config, database.db, client);
const connection = await connectWorkerConnection(config);
// A bundle built beforehand (the parent's, as `npm start` and `npm run worker` use): webpack's
// memory never enters the worker. Without one, the worker bundles for itself.
const prebuilt = process.argv[4];
const bundle = prebuilt ? { codePath: prebuilt } : await bundleWorkflows();
const worker = await createWorker({
  config,
  connection,
  deps,
  workflowBundle: bundle,
  maxCachedWorkflows: Number(process.argv[3] ?? 20_000), // the parent passes the cache size
});
process.on('SIGTERM', () => worker.shutdown());
// Where the memory is, when the parent asks: V8's heap and what lives outside it.
// …and whether it is busy (the intake bench waits for a quiet worker between its phases).
// The workflows run in the SDK's workflow threads (worker_threads, one V8 isolate each): their
// heaps are not in process.memoryUsage()'s heap figures, so they are read from the threads.
type ThreadClient = { workerThread: NodeWorker };
const workflowThreads = (): NodeWorker[] =>
  (
    (worker as unknown as { workflowCreator?: { workerThreadClients?: ThreadClient[] } }).workflowCreator
      ?.workerThreadClients ?? []
  ).map((c) => c.workerThread);
const threadHeaps = async () => {
  const stats = await Promise.all(workflowThreads().map((t) => t.getHeapStatistics().catch(() => undefined)));
  const live = stats.filter((s) => s !== undefined);
  return {
    threadHeapUsed: live.reduce((a, s) => a + s.used_heap_size, 0),
    threadHeapTotal: live.reduce((a, s) => a + s.total_heap_size, 0),
    threadExternal: live.reduce((a, s) => a + s.external_memory, 0),
    threadMalloced: live.reduce((a, s) => a + s.malloced_memory, 0),
  };
};
process.on('message', (m) => void answer(m));
async function answer(m: unknown) {
  if ((m as { memory?: boolean }).memory)
    process.send?.({
      memory: {
        ...process.memoryUsage(),
        ...(await threadHeaps()),
        cached: worker.getStatus().numCachedWorkflows,
      },
    });
  const snapshotTo = (m as { snapshot?: string }).snapshot;
  if (snapshotTo) {
    // a heap snapshot of the first workflow thread, for Chrome DevTools' Memory tab
    const thread = workflowThreads()[0];
    if (thread) await pipeline(await thread.getHeapSnapshot(), createWriteStream(snapshotTo));
    process.send?.({ snapshot: thread ? snapshotTo : null });
  }
  if ((m as { status?: boolean }).status) {
    const status = worker.getStatus();
    process.send?.({
      status: { inFlight: status.numInFlightWorkflowActivations + status.numInFlightActivities },
    });
  }
}
process.send?.({
  ready: true,
  bundleBytes: 'code' in bundle ? bundle.code.length : statSync(prebuilt!).size,
});
await worker.run();
await database.close();
process.exit(0);
