// A zip archive written entry by entry as its contents are produced, so a bundle never holds a
// whole file (or the whole archive) in memory: each piece is deflated and handed to the sink,
// which the writer waits for (backpressure). Entries carry a fixed timestamp, so the archive's
// bytes depend only on the contents and their order. Each entry's SHA-256 (of its uncompressed
// bytes) is returned for the manifest.
import { createHash } from 'node:crypto';
import { Zip, ZipDeflate } from 'fflate';

/** Fixed zip timestamps: the archive's bytes depend only on its contents. */
const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

/** Writes one entry's contents, piece by piece; each `put` resolves once the sink took it. */
export type EntryWriter = (put: (data: string | Uint8Array) => Promise<void>) => Promise<void>;

export class ZipStream {
  readonly #zip: Zip;
  #pending: Uint8Array[] = [];
  #failed: Error | undefined;
  #ended = false;

  constructor(private readonly sink: (chunk: Uint8Array) => Promise<void>) {
    // fflate calls back synchronously while data is pushed; the chunks are flushed after each push.
    this.#zip = new Zip((err, data) => {
      if (err) this.#failed = err;
      else if (data.length > 0) this.#pending.push(data);
    });
  }

  /** Adds one entry, its contents written by `write`; resolves to their SHA-256 (hex). */
  async entry(name: string, write: EntryWriter): Promise<string> {
    if (this.#ended) throw new Error('the zip is already ended');
    const file = new ZipDeflate(name, { level: 6 });
    file.mtime = ZIP_TIME;
    this.#zip.add(file);
    const digest = createHash('sha256');
    await write(async (data) => {
      const bytes = typeof data === 'string' ? Buffer.from(data) : data;
      if (bytes.length === 0) return;
      digest.update(bytes);
      file.push(bytes, false);
      await this.#flush();
    });
    file.push(new Uint8Array(0), true);
    await this.#flush();
    return digest.digest('hex');
  }

  /** Writes the central directory: the archive is complete. */
  async end(): Promise<void> {
    this.#ended = true;
    this.#zip.end();
    await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#failed) throw this.#failed;
    while (this.#pending.length > 0) {
      const chunks = this.#pending;
      this.#pending = [];
      await this.sink(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    }
  }
}
