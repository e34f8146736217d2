/**
 * Load of other work on the host while a job was timed: host CPU time from /proc/stat minus this
 * process's own CPU time, averaged over the wall time, in cores. onnxruntime's threads
 * belong to this process, so its own parallelism does not count as other work.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

interface HostCpuTimes {
  busy: number;
  total: number;
}

/** Reads the aggregate "cpu" line of /proc/stat (in clock ticks); null off Linux. */
export function readHostCpuTimes(text?: string): HostCpuTimes | null {
  let stat = text;
  if (stat === undefined) {
    try {
      stat = readFileSync('/proc/stat', 'utf8');
    } catch {
      return null;
    }
  }
  const line = stat.split('\n').find((row) => row.startsWith('cpu '));
  if (!line) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user and nice).
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq + (steal || 0);
  return { busy, total: busy + idle + (iowait || 0) };
}

export interface CpuLoad {
  wallMs: number;
  /** Cores this process kept busy on average. */
  processCores: number;
  /** Cores the whole host kept busy on average; from the 1-minute load average where /proc/stat is missing. */
  hostCores: number;
  /** hostCores − processCores, at least 0. */
  otherCores: number;
}

/** Starts measuring; the returned function ends the window and returns the averages. */
export function startCpuWindow(): () => CpuLoad {
  const cores = os.availableParallelism();
  const startWall = performance.now();
  const startProcess = process.cpuUsage();
  const startHost = readHostCpuTimes();
  return () => {
    const wallMs = Math.max(performance.now() - startWall, 1e-3);
    const used = process.cpuUsage(startProcess);
    const processCores = (used.user + used.system) / 1000 / wallMs;
    const endHost = readHostCpuTimes();
    let hostCores: number;
    if (startHost && endHost && endHost.total > startHost.total) {
      hostCores = ((endHost.busy - startHost.busy) / (endHost.total - startHost.total)) * cores;
    } else {
      hostCores = Math.min(os.loadavg()[0], cores);
    }
    return { wallMs, processCores, hostCores, otherCores: Math.max(0, hostCores - processCores) };
  };
}
