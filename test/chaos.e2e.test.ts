import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The short version of `npm run chaos`: reports by SMS and service requests while workers are
 * killed with SIGKILL, and Temporal and PostgreSQL once each, against the supervised `npm start`
 * stack. Nothing lost, nothing doubled, no claim stuck, each sender told its number.
 */
describe('chaos at the door', () => {
  it('loses and doubles nothing while workers, Temporal and PostgreSQL are killed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/chaos.ts', '--reports', '80', '--requests', '10', '--kill-every', '1200'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    // Past its time the run is stopped, so what it printed is shown instead of a bare timeout. At
    // two test files at a time on 2 cores it has taken 60–270 s.
    const stop = setTimeout(() => child.kill('SIGTERM'), 360_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(stop);
    const summary = output.slice(output.indexOf('chaos: '));
    // What it printed, with its timeline, when it did not end well.
    expect(code, output.slice(-4000)).toBe(0);
    expect(summary).toMatch(/Temporal dev server 1, PostgreSQL 1/);
    expect(summary).toMatch(/lost: 0\n/);
    expect(summary).toMatch(/duplicated: 0\n/);
    expect(summary).toMatch(/claims stuck in processing: 0\n/);
    expect(summary).toMatch(/promised and never started \(workflow inbox\): 0\n/);
    expect(summary).toMatch(/SMS replies: 80 for 80 reports/);
  }, 450_000);
});
