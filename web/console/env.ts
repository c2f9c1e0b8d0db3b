import type { TConsoleSession } from '../../db/console-sessions';
import type { WebEnv } from '../env';

/** What the console's middleware knows about a browser request. */
export type ConsoleEnv = {
  Variables: WebEnv['Variables'] & {
    /** the signed-in staff session (the staff principal is then set as well) */
    consoleSession?: TConsoleSession & { token: string; name: string };
  };
};
