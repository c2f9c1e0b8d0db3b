import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import proto from '@temporalio/proto';
import type { TestStack } from './stack';

// Binary protobuf: historyToJSON trips over two copies of protobufjs in the dependency tree.
const { History } = proto.temporal.api.history.v1;

/** Writes the history of every run of `workflowType` on this stack's task queue, one JSON file each. */
export async function saveHistories(stack: TestStack, workflowType: string, dir: string) {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  // The dev server's visibility store does not filter on TaskQueue; filter here.
  for await (const run of stack.client.workflow.list({ query: `WorkflowType = '${workflowType}'` })) {
    if (run.taskQueue !== stack.config.temporal.taskQueue) continue;
    const history = await stack.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    // Ids such as campaign/<outage> become one file name (campaign~<outage>).
    const name = `${run.workflowId.replaceAll('/', '~')}_${run.runId}.pb`;
    await writeFile(join(dir, name), History.encode(history).finish());
  }
}

/** Reads saved histories back, with their workflow ids, for Worker.runReplayHistories. */
export async function* readHistories(dir: string) {
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.pb')).sort()) {
    yield {
      workflowId: name.split('_')[0]!.replaceAll('~', '/'),
      history: History.decode(await readFile(join(dir, name))),
    };
  }
}
