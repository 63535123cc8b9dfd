// Lane names pinned to the left edge of the view at a constant, legible size whatever the zoom:
// positioned on every zoom event without re-rendering React.
import { useEffect, useRef } from 'react';
import type { LaneBand } from '../layout/layout.ts';
import type { Transform, ZoomApi } from './useZoom.ts';

export function LaneLabels({ lanes, zoom, height }: { lanes: LaneBand[]; zoom: ZoomApi; height: number }): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const place = (t: Transform): void => {
      const els = ref.current?.children;
      if (!els) return;
      lanes.forEach((lane, i) => {
        const el = els[i] as HTMLElement | undefined;
        if (!el) return;
        const top = t.y + lane.y0 * t.k;
        const bottom = t.y + lane.y1 * t.k;
        // the label sits at the lane's top, or at the view's top while the lane fills it
        const y = Math.min(Math.max(top, 0), bottom - 20);
        el.style.transform = `translateY(${Math.round(y)}px)`;
        el.style.visibility = bottom < 8 || top > height - 8 ? 'hidden' : 'visible';
      });
    };
    place(zoom.current());
    return zoom.subscribe(place);
  }, [lanes, zoom, height]);
  return (
    <div className="lane-labels" ref={ref} aria-hidden="true">
      {lanes.map((l) => (
        <div key={l.name} className="lane-label" data-testid="lane-label" data-lane={l.name}>
          {l.name}
        </div>
      ))}
    </div>
  );
}
