import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to a safe local setup: loopback bind, embedded chDB in ./data', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.otlpPort).toBe(4318);
    expect(c.otlpGrpcPort).toBe(4317);
    expect(c.tls).toBeUndefined();
    expect(c.clickhouse.url).toBeUndefined();
    expect(c.clickhouse.cluster).toBeUndefined();
    expect(c.dataDir).toBe(resolve('./data'));
    expect(c.maxBodyBytes).toBe(64 << 20);
  });

  it('reads a config file and lets the environment override it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'causeway.json');
    writeFileSync(file, JSON.stringify({ port: 9000, otlpPort: 9001, clickhouse: { database: 'fromfile' }, writer: { flushIntervalMs: 999 } }));
    const c = loadConfig({ CAUSEWAY_CONFIG: file, CAUSEWAY_PORT: '9100', CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_USER: 'causeway' });
    expect(c.port).toBe(9100);
    expect(c.otlpPort).toBe(9001);
    expect(c.clickhouse).toEqual({ database: 'fromfile', url: 'http://ch:8123', user: 'causeway' });
    expect(c.writer).toEqual({ ...DEFAULTS.writer, flushIntervalMs: 999 });
  });

  it('refuses to start on a bad value instead of guessing', () => {
    expect(() => loadConfig({ CAUSEWAY_OTLP_PORT: 'http' })).toThrow(/CAUSEWAY_OTLP_PORT must be a port number/);
    expect(() => loadConfig({ CAUSEWAY_MAX_BODY_BYTES: '-5' })).toThrow(/positive integer/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: '/nonexistent/causeway.json' })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ CAUSEWAY_TENANT: 'a tenant; DROP' })).toThrow(/invalid tenant/);
    expect(() => loadConfig({ CAUSEWAY_OTLP_GRPC_PORT: '70000' })).toThrow(/CAUSEWAY_OTLP_GRPC_PORT must be a port number/);
    expect(() => loadConfig({ CAUSEWAY_TLS_CERT_FILE: '/etc/cert.pem' })).toThrow(/TLS needs both CAUSEWAY_TLS_CERT_FILE and CAUSEWAY_TLS_KEY_FILE/);
  });

  it('takes the gRPC port, TLS files and a ClickHouse cluster from the environment', () => {
    const c = loadConfig({ CAUSEWAY_OTLP_GRPC_PORT: '14317', CAUSEWAY_TLS_CERT_FILE: '/c.pem', CAUSEWAY_TLS_KEY_FILE: '/k.pem', CLICKHOUSE_CLUSTER: 'causeway' });
    expect(c.otlpGrpcPort).toBe(14317);
    expect(c.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(c.clickhouse.cluster).toBe('causeway');
  });

  it('refuses a config file key it does not know, or a value of the wrong type, naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = (name: string, body: unknown): string => {
      const f = join(dir, name);
      writeFileSync(f, JSON.stringify(body));
      return f;
    };
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('typo.json', { prot: 9000 }) })).toThrow(/unknown key "prot"; known keys: dataDir, host, otlpPort, port, tenant/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('nested.json', { writer: { flushIntervalMS: 5 } }) })).toThrow(/unknown key "writer.flushIntervalMS"; known keys of "writer": maxBatchRows/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('type.json', { otlpPort: '4318' }) })).toThrow(/"otlpPort" must be a port number \(0-65535\), got "4318"/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('bool.json', { provenance: 'off' }) })).toThrow(/"provenance" must be true or false/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('array.json', [1]) })).toThrow(/the file must be a JSON object/);
    expect(() => loadConfig({ CAUSEWAY_CONFIG: file('ch.json', { clickhouse: 'http://x' }) })).toThrow(/"clickhouse" must be a JSON object/);
    const every = file('every.json', {
      dataDir: dir, host: '0.0.0.0', otlpPort: 1, port: 2, tenant: 't1', clickhouse: { url: 'http://ch:8123', user: 'u', password: 'p', database: 'd' },
      maxBodyBytes: 3, writer: { maxBatchRows: 4, maxBatchBytes: 5, flushIntervalMs: 6, maxPendingBytes: 7 }, redactionPolicy: 'r.json', tenantKeyFile: 'k',
      logKeyFile: 'l', logName: 'n', checkpointIntervalMs: 8, trustRules: 't.json', provenance: false,
      maxInFlightBytes: 9, http: { maxConnections: 10, headersTimeoutMs: 11, requestTimeoutMs: 12 }, maxBundleRows: 13, maxBundleBuilds: 14,
    });
    expect(loadConfig({ CAUSEWAY_CONFIG: every })).toMatchObject({
      port: 2, tenant: 't1', writer: { maxPendingBytes: 7 }, provenance: false, logName: 'n', maxInFlightBytes: 9, http: { maxConnections: 10, headersTimeoutMs: 11, requestTimeoutMs: 12 }, maxBundleRows: 13, maxBundleBuilds: 14,
    });
    expect(loadConfig({ CAUSEWAY_MAX_INFLIGHT_BYTES: '1024', CAUSEWAY_MAX_BODY_BYTES: '1024', CAUSEWAY_MAX_CONNECTIONS: '5', CAUSEWAY_REQUEST_TIMEOUT_MS: '70000' })).toMatchObject({
      maxInFlightBytes: 1024, http: { maxConnections: 5, headersTimeoutMs: 66_000, requestTimeoutMs: 70_000 },
    });
    expect(() => loadConfig({ CAUSEWAY_MAX_INFLIGHT_BYTES: '1000', CAUSEWAY_MAX_BODY_BYTES: '1001' })).toThrow(/in-flight byte cap \(1000\) must be at least the body limit \(1001\)/);
    expect(() => loadConfig({ CAUSEWAY_REQUEST_TIMEOUT_MS: '1000' })).toThrow(/headers timeout \(66000 ms\) must not be longer than the request timeout \(1000 ms\)/);
  });
});
