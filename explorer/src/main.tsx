import { createRoot } from 'react-dom/client';
import { App } from './views/App.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(<App />);
