import type { LogRow, SpanRow } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { canonicalLogRow, canonicalRow, rowLeafHash } from './canonical-row.ts';

// Every kind of value a row holds. Its canonical bytes and leaf hash are pinned: every stored
// row's Merkle leaf depends on this form, so a change here must be deliberate (and versioned).
const ROW: SpanRow = {
  tenant: 'default',
  trace_id: '5b8efff798038103d269b633813fc60c',
  span_id: 'eee19b7ec3c1b174',
  parent_span_id: 'eee19b7ec3c1b173',
  trace_state: 'k=v',
  flags: 257,
  name: 'chat gpt-4o "quoted" é',
  kind: 3,
  start_time_unix_nano: '1700000000123456789',
  end_time_unix_nano: '1700000000223456789',
  attributes: [
    { key: 's', type: 'string', str: 'line\nnext' },
    { key: 'i', type: 'int', int: '-9223372036854775808' },
    { key: 'd', type: 'double', dbl: 0.1 },
    { key: 'nz', type: 'double', dbl: '-0' },
    { key: 'nan', type: 'double', dbl: 'nan' },
    { key: 'b', type: 'bool', bool: true },
    { key: 'bytes', type: 'bytes', str: 'AAEC' },
    { key: 'arr', type: 'array', str: '{"arrayValue":{"values":[{"intValue":"1"}]}}' },
    { key: 'e', type: 'empty' },
  ],
  dropped_attributes_count: 1,
  events: [{ time_unix_nano: '1700000000200000000', name: 'ev', attributes: [{ key: 'x', type: 'string', str: 'y' }], dropped_attributes_count: 0 }],
  dropped_events_count: 2,
  links: [{ trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', trace_state: '', attributes: [], dropped_attributes_count: 0, flags: 769 }],
  dropped_links_count: 0,
  status_code: 2,
  status_message: 'boom',
  service_name: 'svc',
  resource_attributes: [{ key: 'service.name', type: 'string', str: 'svc' }],
  resource_dropped_attributes_count: 0,
  resource_schema_url: 'https://opentelemetry.io/schemas/1.28.0',
  scope_name: 'scope',
  scope_version: '1.0.0',
  scope_attributes: [],
  scope_dropped_attributes_count: 0,
  scope_schema_url: '',
  redactions: [{ rule: 'email', field: 'attributes["s"]', count: 1 }],
};

const LOG: LogRow = {
  tenant: 'default',
  trace_id: ROW.trace_id,
  span_id: ROW.span_id,
  time_unix_nano: '1700000000123456789',
  observed_time_unix_nano: '1700000000223456789',
  severity_number: 9,
  severity_text: 'INFO',
  event_name: 'gen_ai.user.message',
  body: { key: '', type: 'kvlist', str: '{"kvlistValue":{"values":[{"key":"content","value":{"stringValue":"hi"}}]}}' },
  attributes: [{ key: 'gen_ai.system', type: 'string', str: 'openai' }],
  dropped_attributes_count: 0,
  flags: 1,
  service_name: 'svc',
  resource_attributes: [{ key: 'service.name', type: 'string', str: 'svc' }],
  resource_dropped_attributes_count: 0,
  resource_schema_url: '',
  scope_name: '@opentelemetry/instrumentation-openai',
  scope_version: '0.21.0',
  scope_attributes: [],
  scope_dropped_attributes_count: 0,
  scope_schema_url: '',
  redactions: [],
};

describe('canonical row form', () => {
  it('is pinned for log records too', () => {
    expect(rowLeafHash(canonicalLogRow(LOG))).toBe(GOLDEN_LOG_HASH);
  });

  it('is pinned: the same bytes and leaf hash as when the ledger format was fixed', () => {
    expect(rowLeafHash(canonicalRow(ROW))).toBe(GOLDEN_HASH);
  });

  it('is the same whether a row comes from the decoder or back from ClickHouse (types and defaults normalized)', () => {
    const readBack = {
      ...ROW,
      flags: '257',
      attributes: ROW.attributes.map((a) => ({ str: '', int: '0', dbl: 0, bool: false, ...a })),
    } as unknown as SpanRow;
    expect(canonicalRow(readBack)).toBe(canonicalRow(ROW));
  });

  it('carries the submitting credential when there is one, so the leaf covers who sent the row', () => {
    const sent = { ...ROW, credential_id: '0123456789abcdef', credential_name: 'billing-agent' };
    expect(canonicalRow(sent)).toMatch(/,"redactions":\[.*\],"credential_id":"0123456789abcdef","credential_name":"billing-agent"\}$/);
    expect(rowLeafHash(canonicalRow(sent))).not.toBe(GOLDEN_HASH);
    expect(rowLeafHash(canonicalRow({ ...sent, credential_name: 'mail-triage-agent' }))).not.toBe(rowLeafHash(canonicalRow(sent)));
    expect(canonicalLogRow({ ...LOG, credential_id: '0123456789abcdef', credential_name: 'x' })).toMatch(/"credential_id":"0123456789abcdef","credential_name":"x"\}$/);
  });

  it('keeps the bytes of rows stored before credentials (read back with empty credential columns)', () => {
    expect(rowLeafHash(canonicalRow({ ...ROW, credential_id: '', credential_name: '' }))).toBe(GOLDEN_HASH);
    expect(rowLeafHash(canonicalLogRow({ ...LOG, credential_id: '', credential_name: '' }))).toBe(GOLDEN_LOG_HASH);
  });

  it('writes attributes as JSON.stringify of each field would, cached key heads and default values included', () => {
    const dbl = (d: number | string | undefined): string => (d === undefined ? '0' : Object.is(d, -0) ? '"-0"' : JSON.stringify(d));
    const ref = (list: SpanRow['attributes']): string =>
      `[${list.map((a) => `{"key":${JSON.stringify(a.key)},"type":${JSON.stringify(a.type)},"str":${JSON.stringify(a.str ?? '')},"int":${JSON.stringify(String(a.int ?? '0'))},"dbl":${dbl(a.dbl)},"bool":${a.bool ? 'true' : 'false'}}`).join(',')}]`;
    const lists: SpanRow['attributes'][] = [
      [{ key: 'k "q" é', type: 'string', str: 'v' }, { key: 'n', type: 'int', int: '0' }, { key: 'z', type: 'double', dbl: 0 }],
      [{ key: 'z', type: 'double', dbl: -0 }, { key: 'n', type: 'int', int: '42' }, { key: 'k "q" é', type: 'int', int: '7' }],
      [{ key: 'n', type: 'int', int: null as unknown as string }, { key: 'z', type: 'double', dbl: 1.5 }],
    ];
    // twice: the second time every head comes from the cache
    for (const attributes of [...lists, ...lists]) expect(canonicalRow({ ...ROW, attributes, events: [], links: [] })).toContain(`"attributes":${ref(attributes)},`);
  });
});

const GOLDEN_HASH = 'a140db45cb17d3110cfd37b40a2dddc758ff37fbbd9e808f48abbea19cff3bf6';
const GOLDEN_LOG_HASH = '6af7a6a5b0a46300991dce186b92d5922f27cb55c0825ba086a88db553878ff5';
