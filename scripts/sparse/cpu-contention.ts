/**
 * CPU use of the other processes while a timed block ran: busy jiffies of the whole machine from
 * /proc/stat minus this process's own CPU time, over the block's wall time.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Kernel clock ticks per second (USER_HZ), 100 on every mainstream Linux build. */
const USER_HZ = 100;

function machineBusySeconds(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // Fields: user nice system idle iowait irq softirq steal. Idle and iowait do not count as busy.
  const busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + (cpu[7] ?? 0);
  return busy / USER_HZ;
}

function ownCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

export interface Contention {
  /** Mean number of cores the other processes kept busy during the block. */
  otherCores: number;
  /** The 1-minute load average when the block started (it counts this process too). */
  loadAtStart: number;
}

/** Starts watching; the returned function stops and reports. */
export function watchContention(): () => Contention {
  const loadAtStart = loadavg()[0];
  const machine = machineBusySeconds();
  const own = ownCpuSeconds();
  const started = performance.now();
  return () => {
    const wallSeconds = (performance.now() - started) / 1000;
    const others = machineBusySeconds() - machine - (ownCpuSeconds() - own);
    return { otherCores: Math.max(0, others / wallSeconds), loadAtStart };
  };
}
