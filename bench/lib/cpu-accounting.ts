import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** CPU time (ms) this process and one database's PostgreSQL backends used over a stretch of load. */
export interface CpuSpent {
  /** This process, every thread (the servers and the load generator's worker). */
  processMs: number;
  /** The backends connected to the database (read from /proc: PostgreSQL on this host only). */
  databaseMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function backendTicks(pid: number): number {
  try {
    // the fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // a backend that ended, or a server on another host
  }
}

/**
 * Starts counting; `stop()` answers what was spent since. Backends are those of `pool`'s database at the start and at
 * the end (pools keep their connections, so a backend that comes and goes in between is not counted).
 */
export async function countCpu(pool: pg.Pool): Promise<{ stop(): Promise<CpuSpent> }> {
  const backends = async () => (await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database()')).rows.map((r) => r.pid);
  const before = new Map((await backends()).map((pid) => [pid, backendTicks(pid)]));
  const startUsage = process.cpuUsage();
  return {
    stop: async () => {
      const usage = process.cpuUsage(startUsage);
      let ticks = 0;
      for (const pid of await backends()) ticks += backendTicks(pid) - (before.get(pid) ?? 0);
      return { processMs: (usage.user + usage.system) / 1000, databaseMs: ticks * TICK_MS };
    },
  };
}
