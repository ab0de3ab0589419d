import { runTool, type RunToolOptions, type RunToolResult } from '../process/run-tool';

/**
 * The OS user the throwaway server runs as. pg_ctl and postgres refuse to run as root, so when we are root
 * (containers, CI) the server runs as `postgres` through runuser and the scratch folder is handed to that user;
 * otherwise everything runs as the invoking user and nothing changes hands.
 */
export interface ServerOwner {
  /** Runs a server binary (pg_ctl) as the owner. */
  run(opts: RunToolOptions): Promise<RunToolResult>;
  /** Gives a folder, recursively, to the owner (a no-op unless we are root). */
  adopt(dir: string, signal?: AbortSignal): Promise<void>;
}

const SERVER_USER = 'postgres';

export function serverOwner(log?: (line: string) => void): ServerOwner {
  if (process.getuid?.() !== 0) return { run: (o) => runTool({ log, ...o }), adopt: async () => undefined };
  return {
    run: (o) => runTool({ log, ...o, file: 'runuser', args: ['-u', SERVER_USER, '--', o.file, ...o.args] }),
    adopt: async (dir, signal) => {
      await runTool({ file: 'chown', args: ['-R', `${SERVER_USER}:${SERVER_USER}`, dir], signal, log });
    },
  };
}
