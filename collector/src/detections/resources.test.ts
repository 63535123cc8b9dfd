import { describe, expect, it } from 'vitest';
import { resourcesOf } from './resources.ts';

describe('resources of a stored tool request', () => {
  it('reads URL hosts anywhere and named arguments, skipping redacted values', () => {
    const req = `http_post\u0000${JSON.stringify({ url: 'https://Paste.example.net:8443/api', body: 'see http://other.example/x', target: { table: 'customers', channel: '#general' }, path: '[REDACTED:generic_secret:1a2b3c4d]' })}`;
    expect(resourcesOf(req).sort()).toEqual(['channel:#general', 'host:other.example', 'host:paste.example.net', 'table:customers']);
  });
  it('takes text arguments as they are and stays bounded on deep nesting', () => {
    expect(resourcesOf('fetch\u0000go to https://a.example/b')).toEqual(['host:a.example']);
    const deep = `${'['.repeat(5000)}{"table":"t"}${']'.repeat(5000)}`;
    expect(resourcesOf(`x\u0000${deep}`)).toEqual(['table:t']);
  });
});
