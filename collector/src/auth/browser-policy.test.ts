import { describe, expect, it } from 'vitest';
import { hostAllowed, hostName, isLoopbackAddress, writeRefusal } from './browser-policy.ts';

const loopback = new Set(['localhost', '127.0.0.1', '::1']);

describe('browser policy', () => {
  it('answers only allowlisted Host names, whatever the port (DNS rebinding)', () => {
    expect(hostAllowed('127.0.0.1:7318', loopback)).toBe(true);
    expect(hostAllowed('[::1]:7318', loopback)).toBe(true);
    expect(hostAllowed('LOCALHOST', loopback)).toBe(true);
    expect(hostAllowed('attacker.example:7318', loopback)).toBe(false);
    expect(hostAllowed('127.0.0.1.attacker.example', loopback)).toBe(false);
    expect(hostAllowed(undefined, loopback)).toBe(false);
    expect(hostName('[::1]:80')).toBe('::1');
  });

  it('knows loopback addresses', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
    expect(isLoopbackAddress('::')).toBe(false);
    expect(isLoopbackAddress('10.0.0.5')).toBe(false);
  });

  it('refuses state changes that are not JSON or come from another origin (CSRF)', () => {
    const host = '127.0.0.1:7318';
    const none = new Set<string>();
    expect(writeRefusal('GET', { host }, none, 'http')).toBeUndefined();
    expect(writeRefusal('POST', { contentType: 'text/plain', host }, none, 'http')?.status).toBe(415);
    expect(writeRefusal('POST', { contentType: 'application/x-www-form-urlencoded', host }, none, 'http')?.status).toBe(415);
    expect(writeRefusal('POST', { contentType: 'application/json', origin: 'https://evil.example', host }, none, 'http')?.status).toBe(403);
    expect(writeRefusal('POST', { contentType: 'application/json', origin: 'null', host }, none, 'http')?.status).toBe(403);
    expect(writeRefusal('POST', { contentType: 'application/json', secFetchSite: 'cross-site', host }, none, 'http')?.status).toBe(403);
    expect(writeRefusal('POST', { contentType: 'application/json; charset=utf-8', origin: 'http://127.0.0.1:7318', host }, none, 'http')).toBeUndefined();
    expect(writeRefusal('POST', { contentType: 'application/json', host }, none, 'http')).toBeUndefined(); // curl, the CLI
    expect(writeRefusal('POST', { contentType: 'application/json', origin: 'https://causeway.example', host: 'internal:7318' }, new Set(['https://causeway.example']), 'http')).toBeUndefined();
  });
});
