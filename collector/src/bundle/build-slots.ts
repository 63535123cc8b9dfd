// How many evidence bundles are built at once: each build holds its rows, proofs and zip in
// memory and keeps a core busy, so beyond the slots a request is refused (429, retry later)
// rather than queued without bound.
export class BuildSlots {
  #busy = 0;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max <= 0) throw new Error(`bundle build slots must be a positive integer, got ${max}`);
  }

  get busy(): number {
    return this.#busy;
  }

  /** A slot and the function that gives it back (once), or undefined when all are busy. */
  tryTake(): (() => void) | undefined {
    if (this.#busy >= this.max) return undefined;
    this.#busy++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.#busy--;
    };
  }
}
