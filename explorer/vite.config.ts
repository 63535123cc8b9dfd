import { join } from 'node:path';
import { defineConfig } from 'vite';

// No React plugin: Vite's own transform compiles TSX with the automatic JSX runtime.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    // the bench page is its own entry: nothing of it is in the app's bundle
    rollupOptions: { input: { app: join(import.meta.dirname, 'index.html'), bench: join(import.meta.dirname, 'bench.html') } },
  },
  worker: { format: 'es' },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/api': 'http://127.0.0.1:7318', '/healthz': 'http://127.0.0.1:7318' } },
});
