// What the graph's line styles and outlines mean.
export function Legend(): React.JSX.Element {
  return (
    <div className="legend" aria-label="legend">
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" />
        </svg>
        explicit (ids)
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" strokeDasharray="6 4" />
        </svg>
        content (overlap score)
      </span>
      <span>
        <svg width="30" height="8">
          <line x1="0" y1="4" x2="30" y2="4" stroke="#555" strokeDasharray="2 4" />
        </svg>
        structural
      </span>
      <span className="lg-cause">cause</span>
      <span className="lg-effect">effect</span>
      <span className="lg-taint">taint path</span>
      <span className="lg-untrusted">untrusted</span>
    </div>
  );
}
