/**
 * Base of every error Eventloom throws. `retriable` tells a caller (or a
 * subscriber's retry loop) whether trying again can succeed.
 */
export class EventloomError extends Error {
  readonly retriable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
