/**
 * The backend's own error: a device-level failure (no adapter, a missing feature, a lost device, a
 * shader the driver rejects) as opposed to a bad graph or feed, which are core's GraphError.
 * Not for user input validation. A RepurposeError, like everything the library throws on purpose.
 */
import { RepurposeError } from '@repurpose/core';

export class BackendError extends RepurposeError {
  override name = 'BackendError';
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`${backend} backend: ${reason}`);
  }
}
