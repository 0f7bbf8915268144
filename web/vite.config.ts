import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The server `npm run dev` started (web/dev.ts passes its URL); Sluice's own default otherwise.
const target = process.env.SLUICE_DEV_TARGET ?? 'http://127.0.0.1:8080'
const proxied = { target, changeOrigin: false }

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Recharts and React are most of the bundle; one chunk loads faster than a waterfall here.
    chunkSizeWarningLimit: 1_000,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': proxied, '/v1': proxied, '/metrics': proxied, '/readyz': proxied, '/livez': proxied },
  },
})
