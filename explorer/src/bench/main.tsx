// The bench page's own entry (bench.html), kept out of the app bundle: a generated graph for
// explorer/bench/run.ts. /bench.html?n=<nodes>[&render=svg|canvas]
import { createRoot } from 'react-dom/client';
import { BenchPage } from './BenchPage.tsx';
import '../styles.css';

const q = new URLSearchParams(location.search);
const n = Math.max(1, Math.min(100_000, Number(q.get('n')) || 500));
const r = q.get('render');
createRoot(document.getElementById('root')!).render(<BenchPage n={n} {...(r === 'svg' || r === 'canvas' ? { render: r } : {})} />);
