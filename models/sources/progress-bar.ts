import cliProgress from 'cli-progress';
import type { DownloadProgress } from './hub-options.js';

export interface ProgressBar {
  /** Draws one progress report; pass it as fetchFromHub's onProgress. */
  update: (progress: DownloadProgress) => void;
  /** Finishes the current line; call it once the fetch ends, whether it succeeded or not. */
  stop: () => void;
}

const MIB = 1024 * 1024;

/**
 * Creates a cli-progress bar on stderr (or `stream`) for fetchFromHub. It draws one line per file,
 * restarted when the reported file changes, with MiB received, the total and the ETA.
 */
export function createProgressBar(stream: NodeJS.WritableStream = process.stderr): ProgressBar {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{file} [{bar}] {percentage}% | {received}/{size} MiB | ETA {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  let current: string | undefined;

  return {
    update: ({ file, bytes, total }) => {
      const payload = { file, received: (bytes / MIB).toFixed(1), size: (total / MIB).toFixed(1) };
      if (file !== current) {
        if (current !== undefined) bar.stop();
        current = file;
        bar.start(total, bytes, payload);
        return;
      }
      bar.update(bytes, payload);
    },
    stop: () => {
      if (current !== undefined) bar.stop();
      current = undefined;
    },
  };
}
