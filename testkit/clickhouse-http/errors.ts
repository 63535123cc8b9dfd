// Errors as ClickHouse's HTTP interface sends them: a text body `Code: N. DB::Exception: … (NAME)
// (version …)`, the `X-ClickHouse-Exception-Code` header, and the HTTP status ClickHouse derives
// from the error (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp, transcribed below by name).

export class ClickHouseHttpError extends Error {
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** An error the HTTP layer raises itself (authentication, compression, unsupported features). */
export function httpError(type: keyof typeof CODES, message: string): ClickHouseHttpError {
  return new ClickHouseHttpError(CODES[type], type, message);
}

/** Error codes the HTTP layer raises, as src/Common/ErrorCodes.cpp numbers them. */
export const CODES = {
  SYNTAX_ERROR: 62,
  NOT_IMPLEMENTED: 48,
  READONLY: 164,
  AUTHENTICATION_FAILED: 516,
  ZLIB_INFLATE_FAILED: 354,
  BROTLI_READ_FAILED: 448,
  UNKNOWN_USER: 192,
} as const;

const FORBIDDEN = new Set(['UNKNOWN_USER', 'WRONG_PASSWORD', 'AUTHENTICATION_FAILED', 'SET_NON_GRANTED_ROLE', 'ACCESS_DENIED']);
const BAD_REQUEST = new Set([
  'BAD_ARGUMENTS', 'CANNOT_COMPILE_REGEXP', 'CANNOT_PARSE_TEXT', 'CANNOT_PARSE_ESCAPE_SEQUENCE', 'CANNOT_PARSE_QUOTED_STRING',
  'CANNOT_PARSE_DATE', 'CANNOT_PARSE_DATETIME', 'CANNOT_PARSE_NUMBER', 'CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING', 'CANNOT_PARSE_IPV4',
  'CANNOT_PARSE_IPV6', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', 'CANNOT_PARSE_UUID', 'DUPLICATE_COLUMN', 'ILLEGAL_COLUMN',
  'UNKNOWN_ELEMENT_IN_AST', 'UNKNOWN_TYPE_OF_AST_NODE', 'THERE_IS_NO_COLUMN', 'TOO_DEEP_AST', 'TOO_BIG_AST', 'UNEXPECTED_AST_STRUCTURE',
  'SYNTAX_ERROR', 'INCORRECT_DATA', 'TYPE_MISMATCH', 'VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE',
]);
const NOT_FOUND = new Set([
  'UNKNOWN_TABLE', 'UNKNOWN_FUNCTION', 'UNKNOWN_IDENTIFIER', 'UNKNOWN_TYPE', 'UNKNOWN_STORAGE', 'UNKNOWN_DATABASE', 'UNKNOWN_SETTING',
  'UNKNOWN_DIRECTION_OF_SORTING', 'UNKNOWN_AGGREGATE_FUNCTION', 'UNKNOWN_FORMAT', 'UNKNOWN_DATABASE_ENGINE', 'UNKNOWN_TYPE_OF_QUERY', 'UNKNOWN_ROLE',
]);

export function httpStatusFor(type: string): number {
  if (type === 'REQUIRED_PASSWORD') return 401;
  if (FORBIDDEN.has(type)) return 403;
  if (BAD_REQUEST.has(type)) return 400;
  if (NOT_FOUND.has(type)) return 404;
  if (type === 'QUERY_IS_TOO_LARGE') return 413;
  if (type === 'NOT_IMPLEMENTED') return 501;
  if (type === 'SOCKET_TIMEOUT' || type === 'CANNOT_OPEN_FILE' || type === 'CANNOT_SCHEDULE_TASK') return 503;
  if (type === 'HTTP_LENGTH_REQUIRED') return 411;
  if (type === 'TIMEOUT_EXCEEDED') return 408;
  if (type === 'UNSUPPORTED_MEDIA_TYPE') return 415;
  return 500;
}

/**
 * Reads an engine error ("Code: 60. DB::Exception: … (UNKNOWN_TABLE)") into code and name.
 * `user` is the HTTP user: the embedded engine runs every query as its one user `default`, so its
 * privilege errors name `default`; a server names the user who sent the query.
 */
export function fromEngineError(e: unknown, user: string): ClickHouseHttpError {
  if (e instanceof ClickHouseHttpError) return e;
  const text = String((e as Error)?.message ?? e);
  const code = Number(/Code: (\d+)\./.exec(text)?.[1] ?? 1000);
  const types = [...text.matchAll(/\(([A-Z][A-Z0-9_]{2,})\)/g)];
  const type = types.length > 0 ? types[types.length - 1]![1]! : 'UNKNOWN_EXCEPTION';
  const message = text
    .replace(/^Code: \d+\. DB::Exception: /, '')
    .replace(/^default: (Not enough privileges)/, `${user}: $1`)
    .replace(/\.?\s*\([A-Z][A-Z0-9_]{2,}\)(?:\s*\(version [^)]*\))?\s*$/, '');
  return new ClickHouseHttpError(code, type, message);
}

/** The body a ClickHouse server sends for an error. */
export function errorBody(e: ClickHouseHttpError, version: string): string {
  return `Code: ${e.code}. DB::Exception: ${e.message}. (${e.type}) (version ${version})\n`;
}
