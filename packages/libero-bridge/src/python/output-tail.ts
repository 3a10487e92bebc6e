/** Keeps the last `limit` characters of a text stream (a server's stderr), for error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly limit = 4000) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError('limit must be a positive integer');
  }

  append(chunk: string): void {
    this.text = (this.text + chunk).slice(-this.limit);
  }

  /** The tail, trimmed; '' when nothing was written. */
  toString(): string {
    return this.text.trim();
  }
}
