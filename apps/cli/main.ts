/**
 * `blipbench`: build and fetch models, caption images, explain variants.
 * Each command lives in its own file under commands/; this file only wires them together.
 */
import { Command } from 'commander';

import { registerBenchCommands } from './commands/bench.js';
import { registerClientCommands } from './client/index.js';
import { registerCaptionCommand } from './commands/caption.js';
import { registerModelCommands } from './commands/model.js';
import { registerVariantsCommands } from './commands/variants.js';
import { reportFailure } from './report-failure.js';

const program = new Command('blipbench')
  .description('Benchmark BLIP image captioning variants on CPUs with onnxruntime')
  .showHelpAfterError()
  .exitOverride();

registerModelCommands(program);
registerCaptionCommand(program);
registerVariantsCommands(program);
registerBenchCommands(program);
registerClientCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
