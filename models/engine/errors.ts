/**
 * Errors of the engine that a caller may act on. Each says whether retrying could help:
 * a bad model directory or an impossible variant fails the same way every time.
 */

/** A model directory, config or checkpoint that cannot be used; retrying does not help. */
export class ModelError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ModelError';
  }
}

/** A variant spec that cannot be built for this model (e.g. a block size that does not divide a width). */
export class VariantError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'VariantError';
  }
}
