import { createRoot } from 'react-dom/client';
import { AuthGate } from './auth/AuthGate.tsx';
import { App } from './views/App.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <AuthGate>
    <App />
  </AuthGate>,
);
