/**
 * Tells a tool that works from one that spins: pg_restore 15 on a truncated tar loops at 100 % CPU forever,
 * printing, reading and writing nothing. A wall clock cannot tell that from a long restore, and silence alone
 * cannot either (pg_restore waits quietly while the server builds a big index). So the watchdog counts only
 * time in which the process printed nothing, read and wrote no byte (/proc/PID/io) and yet used the CPU
 * (/proc/PID/stat): waiting on the server or the disk is not a stall. Without /proc (not Linux) it never fires.
 */
import { readFile } from 'node:fs/promises';

/** How often the process is looked at. */
const TICK_MS = 500;

interface Sample {
  io: string;
  cpu: number;
}

async function sample(pid: number): Promise<Sample | undefined> {
  try {
    const [io, stat] = await Promise.all([readFile(`/proc/${pid}/io`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    // After the command name (which may hold spaces and parentheses): state is field 3, utime and stime 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const rw = /rchar: (\d+)\nwchar: (\d+)/.exec(io);
    return { io: rw ? `${rw[1]}/${rw[2]}` : io, cpu: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined; // gone, or no /proc
  }
}

export interface StallWatchdog {
  /** Output or another sign of progress: the stall clock starts again. */
  progressed(): void;
  stop(): void;
}

/** Calls `onStall` once when `pid` has spun for `stallMs` without a sign of progress. */
export function watchForStall(pid: number, stallMs: number, onStall: () => void): StallWatchdog {
  let last: Sample | undefined;
  let stalledFor = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void sample(pid).then((now) => {
      busy = false;
      const spinning = now !== undefined && last !== undefined && now.io === last.io && now.cpu > last.cpu;
      stalledFor = spinning ? stalledFor + TICK_MS : 0;
      last = now;
      if (stalledFor >= stallMs) {
        clearInterval(timer);
        onStall();
      }
    });
  }, TICK_MS);
  timer.unref();
  return {
    progressed: () => {
      stalledFor = 0;
    },
    stop: () => clearInterval(timer),
  };
}
