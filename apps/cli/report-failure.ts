/**
 * Turns any failure into one line on stderr and an exit code, so users see what was wrong
 * without a stack trace. Set BLIPBENCH_DEBUG=1 to get the stack.
 */
import { CommanderError } from 'commander';
import { ZodError } from 'zod';

export function formatZodError(error: ZodError, subject: string): string {
  return error.issues.map((issue) => `${subject}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`).join('; ');
}

export function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its own message (unknown option, --help, --version).
    return error.exitCode;
  }
  const message = error instanceof ZodError ? formatZodError(error, 'variant') : error instanceof Error ? error.message : String(error);
  process.stderr.write(`blipbench: ${message}\n`);
  if (process.env.BLIPBENCH_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}
