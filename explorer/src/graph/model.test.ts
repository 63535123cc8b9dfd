import type { SliceArtifact } from '@causeway/schemas';
import { describe, expect, it } from 'vitest';
import { artifactLabel } from './model.ts';

const artifact = (a: Partial<SliceArtifact>): SliceArtifact => ({
  id: 'art:1',
  type: 'artifact',
  artifactId: '1',
  kind: 'document',
  trust: 'unknown',
  trustWhy: '',
  trustRule: 'none',
  preview: '',
  contentLength: 0,
  toolName: '',
  documentId: '',
  source: '',
  traces: [],
  depth: 0,
  tainted: false,
  ...a,
});

describe('artifact labels', () => {
  it('name a document by its id and subject, not its JSON', () => {
    const preview = '{"body":"Hi team","from":"[REDACTED:email:1a2b3c4d]","id":"msg-7f3a91","subject":"Quarterly account reconciliation"}';
    expect(artifactLabel(artifact({ preview, documentId: 'msg-7f3a91' }))).toBe('msg-7f3a91 · Quarterly account reconciliation');
  });

  it('name a tool result by its tool and first value, and keep plain text and tool requests as they are', () => {
    expect(artifactLabel(artifact({ kind: 'tool_result', toolName: 'export_customers', preview: '{"columns":["id","name"],"export_id":"exp_1"}' }))).toBe('export_customers → exp_1');
    expect(artifactLabel(artifact({ kind: 'user_prompt', preview: 'Summarize my\nunread emails' }))).toBe('Summarize my unread emails');
    expect(artifactLabel(artifact({ kind: 'tool_request', preview: 'send_email({"to":"x"})' }))).toBe('send_email({"to":"x"})');
    expect(artifactLabel(artifact({ kind: 'outcome', preview: 'x'.repeat(60) }))).toHaveLength(48);
  });
});
