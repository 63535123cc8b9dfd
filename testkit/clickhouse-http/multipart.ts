// multipart/form-data bodies (RFC 7578), as @clickhouse/client sends long query parameters
// (`use_multipart_params`): one part per field, `Content-Disposition: form-data; name="…"`.
import { httpError } from './errors.ts';

export function parseMultipart(body: Buffer, contentType: string): [string, string][] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2]?.trim();
  if (!b) throw httpError('SYNTAX_ERROR', 'multipart/form-data without a boundary');
  const delimiter = Buffer.from(`--${b}`);
  const out: [string, string][] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // the closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw httpError('SYNTAX_ERROR', 'multipart/form-data body ends inside a part');
    const part = body.subarray(start, next);
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw httpError('SYNTAX_ERROR', 'multipart/form-data part without headers');
    const headers = part.subarray(0, split).toString('utf8');
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) throw httpError('SYNTAX_ERROR', 'multipart/form-data part without a name');
    // The part's value ends before the CRLF that precedes the next delimiter.
    const end = part.length >= 2 && part.subarray(part.length - 2).toString() === '\r\n' ? part.length - 2 : part.length;
    out.push([name, part.subarray(split + 4, end).toString('utf8')]);
    pos = next;
  }
  return out;
}
