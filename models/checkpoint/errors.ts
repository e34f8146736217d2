/**
 * Invalid, truncated or unsafe checkpoint file. The message names the file and, where one is
 * involved, the tensor or pickle global, what is wrong and what would be right.
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}
