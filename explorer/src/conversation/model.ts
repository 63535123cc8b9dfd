// What a model saw and said, as one small model whatever convention carried it (see read.ts
// and fromSpan.ts). Text is kept as stored: redaction placeholders are shown, never undone.
export type Role = 'system' | 'user' | 'assistant' | 'tool' | 'document' | (string & {});

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'call'; name: string; id: string; args: string }
  | { kind: 'result'; name: string; id: string; text: string }
  | { kind: 'document'; id: string; source: string; text: string };

export interface Message {
  role: Role;
  parts: Part[];
  /** where it was read: the attribute, event or log record */
  from: string;
}

export interface Conversation {
  /** what the model was sent (system instructions, the conversation so far, retrieved documents) */
  input: Message[];
  /** what it answered (text, tool calls) */
  output: Message[];
  /** for a tool or retrieval span: its request and result */
  tool?: { name: string; id: string; args: string; result: string; from: string } | undefined;
  /** the conventions or carriers found, e.g. `span attributes (OTel GenAI)`, `log records` */
  sources: string[];
}

export const emptyConversation = (): Conversation => ({ input: [], output: [], sources: [] });

export function isEmpty(c: Conversation): boolean {
  return c.input.length === 0 && c.output.length === 0 && !c.tool;
}
