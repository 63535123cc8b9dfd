import { createRoot } from 'react-dom/client';
import { prefetchOverview } from './api.ts';
import { AuthGate } from './auth/AuthGate.tsx';
import { App } from './views/App.tsx';
import './styles.css';

// a trace's first view needs its overview: asked for now, beside the sign-in check
prefetchOverview(location.pathname);

createRoot(document.getElementById('root')!).render(
  <AuthGate>
    <App />
  </AuthGate>,
);
