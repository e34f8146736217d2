/**
 * Peak resident memory of this process during a job. Linux resets the VmHWM high-water mark when
 * "5" is written to /proc/self/clear_refs, and VmHWM catches peaks between samples. A sampler of
 * process.memoryUsage.rss() covers systems without it.
 */
import { readFileSync, writeFileSync } from 'node:fs';

function readHighWaterMark(): number | null {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** Starts tracking; the returned function stops it and returns the peak in bytes. */
export function startPeakRss(sampleMs = 25): () => number {
  const reset = resetHighWaterMark();
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, sampleMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage.rss());
    const mark = reset ? readHighWaterMark() : null;
    return mark === null ? peak : Math.max(peak, mark);
  };
}
