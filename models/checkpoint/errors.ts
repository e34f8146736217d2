/**
 * Error for a checkpoint file that is invalid, truncated or unsafe. The message names the file and, where one is
 * involved, the tensor or pickle global, what is wrong and what would be right.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
