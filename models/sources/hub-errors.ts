/**
 * A hub download that failed: repository or file not found, access refused, a transfer that kept
 * failing, a file whose checksum does not match, or a repository that is not a BLIP captioning model.
 * `retryable` is true only for transfer failures, where a rerun resumes the partial download.
 */
export class HubSourceError extends Error {
  override readonly name = 'HubSourceError';
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}
