import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * WORKER_NICE in a process of its own (the test runner's priority stays as it is): every thread
 * the process has when the worker lowers its priority, and every thread made afterwards, runs at
 * the value. Linux only (/proc).
 */
describe.runIf(process.platform === 'linux')('a worker lowering its CPU priority', () => {
  it('lowers every thread it has, and the threads it makes later inherit it', () => {
    const script = `
      import { readdirSync, readFileSync } from 'node:fs';
      import { getPriority } from 'node:os';
      import { Worker } from 'node:worker_threads';
      import { lowerWorkerPriority } from './worker/priority.ts';
      const nice = () => readdirSync('/proc/self/task').map((t) => Number(readFileSync('/proc/self/task/' + t + '/stat', 'utf8').split(') ')[1].split(' ')[16]));
      const before = nice();
      const target = Math.min(19, getPriority() + 5); // whatever this runs at already
      const answered = lowerWorkerPriority(target, console);
      // a thread made afterwards, and libuv's pool put to work
      const w = new Worker('setTimeout(() => {}, 300)', { eval: true });
      await new Promise((r) => setTimeout(r, 100));
      console.log(JSON.stringify({ before, answered, target, after: nice() }));
      await w.terminate();
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const { before, answered, target, after } = JSON.parse(out.trim().split('\n').at(-1)!) as {
      before: number[];
      answered: number;
      target: number;
      after: number[];
    };
    expect(before.length).toBeGreaterThan(1); // V8's and libuv's threads were there first
    expect(answered).toBe(target);
    expect(after.length).toBeGreaterThan(before.length);
    expect(new Set(after)).toEqual(new Set([target]));
  });
});
