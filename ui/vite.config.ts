import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// Tauri serves the built files from ui/dist; the dev server port is fixed because
// src-tauri/tauri.conf.json points devUrl at it.
export default defineConfig({
  plugins: [vue()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, host: '127.0.0.1' },
  build: {
    target: 'es2021',
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
  },
});
