// A bundle's bytes on their way to the client. The response names the archive's SHA-256 in a
// header, so the whole archive must exist before the first byte is sent: it is spooled to a
// file (0600, in a 0700 directory under the data dir) instead of memory, then read back in
// small chunks as fast as the client takes them. The file is unlinked as soon as it is opened:
// nothing is left behind when the export ends, fails or the process dies, and no other path
// reaches it. Its rows are stored rows, already redacted.
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ensurePrivateDir } from '../private-files.ts';

/** Bytes read back from the spool per chunk handed to the response. */
const READ_CHUNK = 64 * 1024;

export class Spool {
  #size = 0;
  readonly #digest = createHash('sha256');
  #closed = false;

  private constructor(private readonly fh: FileHandle) {}

  /** A fresh, already unlinked spool file in `dir` (created 0700 if needed). */
  static async open(dir: string): Promise<Spool> {
    ensurePrivateDir(dir);
    const path = join(dir, `bundle-${randomBytes(8).toString('hex')}.zip.part`);
    const fh = await open(path, 'wx+', 0o600);
    await unlink(path).catch(async (e: Error) => {
      await fh.close();
      throw e;
    });
    return new Spool(fh);
  }

  get size(): number {
    return this.#size;
  }

  /** Appends bytes (resolves once the file took them) and adds them to the running digest. */
  async write(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, done, chunk.length - done, this.#size + done);
      done += bytesWritten;
    }
    this.#digest.update(chunk);
    this.#size += chunk.length;
  }

  /** SHA-256 (hex) of everything written; call once, when writing is done. */
  sha256(): string {
    return this.#digest.digest('hex');
  }

  /**
   * The spooled bytes as a response body, read a chunk at a time when the consumer asks (pull);
   * `onEnd` runs once: when the last chunk was read (before it is sent), or when the consumer
   * cancelled (the client left) or reading failed.
   */
  body(onEnd: (how: 'read' | 'cancelled') => void): ReadableStream<Uint8Array> {
    let offset = 0;
    let ended = false;
    const end = (how: 'read' | 'cancelled'): void => {
      if (ended) return;
      ended = true;
      onEnd(how);
    };
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            const want = Math.min(READ_CHUNK, this.#size - offset);
            if (want <= 0) {
              end('read');
              await this.close();
              controller.close();
              return;
            }
            const buf = Buffer.allocUnsafe(want);
            const { bytesRead } = await this.fh.read(buf, 0, want, offset);
            if (bytesRead === 0) throw new Error(`bundle spool ended at ${offset} of ${this.#size} bytes`);
            offset += bytesRead;
            if (offset >= this.#size) end('read');
            controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, bytesRead));
          } catch (e) {
            end('cancelled');
            await this.close();
            controller.error(e);
          }
        },
        cancel: async () => {
          end('cancelled');
          await this.close();
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Closes the file (its bytes are gone with it); idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.fh.close().catch(() => undefined);
  }
}
