/** A request that cannot be decoded: answered with 400 and this message. */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'DecodeError';
  }
}

/**
 * Tracks where the decoder is, so an error can name the exact element
 * (e.g. `resource_spans[0].scope_spans[1].spans[3].trace_id`). Push/pop of
 * literals and numbers only; the string is built only when an error is raised.
 */
export class DecodePath {
  private readonly parts: (string | number)[] = [];

  push(part: string | number): void {
    this.parts.push(part);
  }

  pop(): void {
    this.parts.pop();
  }

  toString(): string {
    let out = '';
    for (const p of this.parts) {
      if (typeof p === 'number') out += `[${p}]`;
      else out += out ? `.${p}` : p;
    }
    return out;
  }

  fail(problem: string, field?: string): never {
    if (field !== undefined) this.push(field);
    throw new DecodeError(this.toString(), problem);
  }
}

/** Nested AnyValues deeper than this are rejected, so a hostile payload cannot exhaust the stack. */
export const MAX_ANYVALUE_DEPTH = 64;
