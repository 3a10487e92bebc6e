/**
 * A request the server answers with a text frame instead of actions: bad input (naming the key
 * or the limit), a full queue, a failed call. `message` is what the client reads; it never
 * carries a stack trace.
 */
export class RequestError extends Error {
  constructor(
    message: string,
    /** The observation key or server limit the message is about. */
    readonly subject?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}
