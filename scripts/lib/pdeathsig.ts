import { existsSync } from 'node:fs';

/**
 * util-linux `setpriv --pdeathsig KILL` execs a command with a parent-death signal, so the kernel
 * kills it when this process dies, even by SIGKILL. Where it is missing (not Linux), the next
 * start's leftover check (scripts/lib/leftovers.ts) cleans up instead.
 */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find(
  (p) => process.platform === 'linux' && existsSync(p),
);

/** `[command, args]` that run `command args` so that it dies with this process. */
export function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  return SETPRIV ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, args];
}
