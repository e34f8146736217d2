/** The API client commands of `blipbench`: sweeps, history and speedups through the HTTP API. */
import type { Command } from 'commander';

import { registerHistoryCommands } from './history-commands.js';
import { registerSweepCommands } from './sweep-commands.js';

export function registerClientCommands(program: Command): void {
  registerSweepCommands(program);
  registerHistoryCommands(program);
}
