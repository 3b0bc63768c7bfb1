// Builds the renderer (src-renderer/) into dist-renderer/, served by the browser host and loaded by
// the Electron window. Relative asset paths so the same build works over http:// and app://.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: path.join(root, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(root, 'dist-renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The charts library is large; keep it out of the first chunk so the dashboard paints sooner.
    rollupOptions: { output: { manualChunks: (id) => (id.includes('node_modules/recharts') || id.includes('node_modules/d3-') ? 'charts' : undefined) } },
  },
  server: { port: 5173, strictPort: false },
});
