/**
 * CPU time of process groups from /proc (Linux): what each part of a stack spent on a phase of a
 * bench, in milliseconds. A figure that, unlike throughput, hardly moves with the machine's load.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 1000 / (Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100);

type TStat = { ppid: number; own: number; reaped: number };

function stat(pid: number): TStat | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // after the command name in parentheses: state ppid … utime stime cutime cstime (fields 3…17)
    const rest = line.slice(line.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(rest[i]);
    return { ppid: n(1), own: n(11) + n(12), reaped: n(13) + n(14) };
  } catch {
    return undefined; // gone
  }
}

/** A process and, when `tree`, every process below it (live ones, and those it has reaped). */
export type TCpuGroup = { name: string; pid: number; tree: boolean };

/** CPU milliseconds (user + system) of each group, now. */
export function cpuOf(groups: TCpuGroup[]): Record<string, number> {
  const all = new Map<number, TStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) all.set(Number(entry), s);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of all) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const out: Record<string, number> = {};
  for (const group of groups) {
    const root = all.get(group.pid);
    if (!root) {
      out[group.name] = Number.NaN;
      continue;
    }
    let ticks = root.own + (group.tree ? root.reaped : 0);
    const stack = group.tree ? [...(children.get(group.pid) ?? [])] : [];
    while (stack.length) {
      const pid = stack.pop()!;
      ticks += all.get(pid)!.own;
      stack.push(...(children.get(pid) ?? []));
    }
    out[group.name] = ticks * TICK_MS;
  }
  return out;
}

/** The CPU each group spent between two readings of `cpuOf`. */
export function cpuSpent(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
}
