import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w @portcullis/console` serves the console with hot reload and sends API calls to the gateway that
// `make dev` runs, so the browser sees one origin, as it does behind the gateway.
const gateway = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: Object.fromEntries(['/identity', '/tenancy', '/sharing', '/audit', '/authz'].map((prefix) => [prefix, { target: gateway, changeOrigin: false }])),
  },
});
