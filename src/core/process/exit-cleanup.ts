import { rmSync } from 'node:fs';

/** Paths to remove should the process exit before their owner removed them (a second Ctrl-C, process.exit). */
const paths = new Set<string>();
let hooked = false;

/**
 * Removes `path` (a file or a folder) when the process exits, unless the returned function is called first: for
 * what must never outlive the command, like a temporary pgpass file or a dump's lock. Exit handlers run
 * synchronously, so the removal is too.
 */
export function removeOnExit(path: string): () => void {
  paths.add(path);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const p of paths) {
        try {
          rmSync(p, { recursive: true, force: true });
        } catch {
          // a tool still writing into a folder: nothing more can be done on the way out
        }
      }
    });
  }
  return () => paths.delete(path);
}
