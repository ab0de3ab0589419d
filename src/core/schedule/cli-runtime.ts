/**
 * How a generated job runs the pg-backup CLI that wrote it: with this process's own runtime, by absolute path (cron
 * and systemd start jobs with a bare PATH). Under Electron — desktop VS Code's extension host — that binary is
 * VS Code itself, and runs the CLI as plain Node (the Node version VS Code ships) with ELECTRON_RUN_AS_NODE=1.
 */
export interface CliRuntime {
  /** Absolute path of the binary that runs the CLI. */
  node: string;
  /** It is Electron: the job sets ELECTRON_RUN_AS_NODE=1 for it. */
  runAsNode: boolean;
}

export function cliRuntime(p: Pick<NodeJS.Process, 'execPath' | 'versions'> = process): CliRuntime {
  return { node: p.execPath, runAsNode: p.versions.electron !== undefined };
}
