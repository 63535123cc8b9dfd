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
});
