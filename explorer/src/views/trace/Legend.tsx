// What the graph's line styles and outlines mean.
export function Legend(): React.JSX.Element {
  return (
    <div className="legend" aria-label="legend">
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="currentColor" />
        </svg>
        known by ids
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="currentColor" strokeDasharray="6 4" />
        </svg>
        copied text (thicker = more copied)
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="currentColor" strokeDasharray="2 4" />
        </svg>
        structural
      </span>
      <span className="lg-cause">cause</span>
      <span className="lg-effect">effect</span>
      <span className="lg-taint">taint path</span>
      <span className="lg-untrusted">untrusted</span>
      <span className="muted">click a link for its evidence · ? shortcuts</span>
    </div>
  );
}
