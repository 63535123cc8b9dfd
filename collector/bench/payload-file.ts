// Length-prefixed frames of request bodies: how the bench hands the exact protobuf payloads
// it sent to the raw-insert child process.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export function writeFrames(path: string, frames: Iterable<Uint8Array>): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    const len = Buffer.allocUnsafe(4);
    for (const f of frames) {
      len.writeUInt32LE(f.length, 0);
      writeSync(fd, len);
      writeSync(fd, f);
      bytes += f.length;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

export function readFrames(path: string): Buffer[] {
  const buf = readFileSync(path);
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 4 <= buf.length) {
    const n = buf.readUInt32LE(pos);
    out.push(buf.subarray(pos + 4, pos + 4 + n));
    pos += 4 + n;
  }
  return out;
}
