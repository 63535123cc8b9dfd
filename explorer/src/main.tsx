import { createRoot } from 'react-dom/client';
import { prefetchOverview } from './api.ts';
import { AuthGate } from './auth/AuthGate.tsx';
import { App } from './views/App.tsx';
import './styles.css';

// a trace's first view needs its overview: asked for now, beside the sign-in check
prefetchOverview(location.pathname);
// the first localized number costs tens of milliseconds (ICU's number format is set up then):
// paid now, while the overview is computed, not when the graph is ready to be drawn
(1234).toLocaleString();

createRoot(document.getElementById('root')!).render(
  <AuthGate>
    <App />
  </AuthGate>,
);
