/** Kind of problem with an image input, for the API to map to an HTTP status (e.g. too-large to 413). */
export type ImageInputProblem = 'missing' | 'unreadable' | 'empty' | 'unsupported-format' | 'corrupt' | 'too-large';

/**
 * An image that cannot be used: missing, empty, not an accepted format, truncated or too large.
 * The same bytes fail the same way every time, so a job that hits it must not be retried.
 */
export class ImageInputError extends Error {
  readonly permanent = true;
  readonly problem: ImageInputProblem;
  /** The file path as given, or the caller's label such as "uploaded image". */
  readonly source: string;

  constructor(problem: ImageInputProblem, source: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ImageInputError';
    this.problem = problem;
    this.source = source;
  }
}
