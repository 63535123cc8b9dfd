// One budget for the decoded request bytes all OTLP receivers hold at once (HTTP and gRPC
// together): each request counts its bytes as they are read and gives them back when it is
// answered. A request whose next bytes would pass the cap is refused (429 / RESOURCE_EXHAUSTED,
// retryable), so many slow or large bodies at once cannot exhaust memory.

/** The bytes one request holds; released all at once, and only once. */
export interface Lease {
  /** counts `n` more bytes; false (counting nothing) if they would pass the cap */
  take(n: number): boolean;
  release(): void;
}

export class InFlightBytes {
  #used = 0;

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap <= 0) throw new Error(`in-flight byte cap must be a positive integer, got ${cap}`);
  }

  /** bytes held by requests not yet answered */
  get used(): number {
    return this.#used;
  }

  lease(): Lease {
    let held = 0;
    let released = false;
    return {
      take: (n) => {
        if (released || this.#used + n > this.cap) return false;
        this.#used += n;
        held += n;
        return true;
      },
      release: () => {
        if (released) return;
        released = true;
        this.#used -= held;
        held = 0;
      },
    };
  }
}
