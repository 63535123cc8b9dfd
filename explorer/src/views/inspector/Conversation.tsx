// What the model saw and said, as a conversation: system instructions, the user's turns, the
// assistant's tool calls and the tool results it read, retrieved documents; then its answer.
// Text as stored (redaction placeholders marked). Long contents fold, open on demand.
import type { Conversation as Conv, Message, Part } from '../../conversation/model.ts';
import { Redacted } from './Redacted.tsx';

const ROLE_NAMES: Record<string, string> = { system: 'System', user: 'User', assistant: 'Assistant', tool: 'Tool result', document: 'Retrieved document' };
const FOLD_ABOVE = 600;

function Body({ text }: { text: string }): React.JSX.Element {
  if (text.length <= FOLD_ABOVE) {
    return (
      <div className="msg-text">
        <Redacted text={text} />
      </div>
    );
  }
  return (
    <details className="msg-text">
      <summary>
        <Redacted text={text.slice(0, 240)} />… <span className="muted">({text.length.toLocaleString()} characters: show all)</span>
      </summary>
      <Redacted text={text} />
    </details>
  );
}

function PartView({ part }: { part: Part }): React.JSX.Element {
  switch (part.kind) {
    case 'text':
      return <Body text={part.text} />;
    case 'call':
      return (
        <div className="tool-call" data-testid="msg-tool-call" data-tool={part.name}>
          <div className="part-head">
            calls <strong>{part.name || '(unnamed tool)'}</strong> {part.id ? <span className="muted mono small">{part.id}</span> : null}
          </div>
          <Body text={part.args} />
        </div>
      );
    case 'result':
      return (
        <div className="tool-result" data-testid="msg-tool-result" data-tool={part.name}>
          <div className="part-head">
            result{part.name ? ` of ${part.name}` : ''} {part.id ? <span className="muted mono small">{part.id}</span> : null}
          </div>
          <Body text={part.text} />
        </div>
      );
    case 'document':
      return (
        <div className="document" data-testid="msg-document">
          <div className="part-head">
            document {part.id ? <strong>{part.id}</strong> : null} {part.source ? <span className="muted">from <Redacted text={part.source} /></span> : null}
          </div>
          <Body text={part.text} />
        </div>
      );
  }
}

function MessageView({ m }: { m: Message }): React.JSX.Element {
  return (
    <li className={`msg role-${m.role}`} data-testid="message" data-role={m.role} title={`read from ${m.from}`}>
      <div className="msg-role">{ROLE_NAMES[m.role] ?? m.role}</div>
      {m.parts.map((p, i) => (
        <PartView key={i} part={p} />
      ))}
    </li>
  );
}

export function ConversationView({ c, compact = false }: { c: Conv; compact?: boolean }): React.JSX.Element {
  return (
    <div className={`conversation${compact ? ' compact' : ''}`} data-testid="conversation" data-sources={c.sources.join('; ')}>
      {c.input.length ? (
        <>
          <h4>Sent to the model ({c.input.length} message{c.input.length > 1 ? 's' : ''})</h4>
          <ol className="messages" data-testid="conversation-input">
            {c.input.map((m, i) => (
              <MessageView key={i} m={m} />
            ))}
          </ol>
        </>
      ) : null}
      {c.output.length ? (
        <>
          <h4>{c.output.every((m) => m.role === 'document') ? 'Retrieved' : 'Answered'}</h4>
          <ol className="messages" data-testid="conversation-output">
            {c.output.map((m, i) => (
              <MessageView key={i} m={m} />
            ))}
          </ol>
        </>
      ) : null}
      {c.tool ? (
        <div className="tool-io" data-testid="conversation-tool">
          <h4>
            Tool <strong>{c.tool.name}</strong> {c.tool.id ? <span className="muted mono small">{c.tool.id}</span> : null}
          </h4>
          <div className="tool-call">
            <div className="part-head">arguments</div>
            <Body text={c.tool.args} />
          </div>
          <div className="tool-result">
            <div className="part-head">result</div>
            <Body text={c.tool.result} />
          </div>
        </div>
      ) : null}
      {c.sources.length ? <p className="muted small">Read from {c.sources.join(', ')}.</p> : null}
    </div>
  );
}
