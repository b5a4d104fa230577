import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

export default defineConfig({
  resolve: {
    alias: {
      // The page uses the middleware's front-end helper from source, so it never needs a stale build.
      '@wxkit/express/client': fileURLToPath(
        new URL('../../packages/express/src/client.ts', import.meta.url),
      ),
    },
  },
  build: { outDir: 'dist/client', emptyOutDir: true },
  optimizeDeps: {
    // Scan only the page (not dist/ or test output), and pre-bundle jweixin, which is CommonJS.
    entries: ['index.html'],
    include: ['weixin-js-sdk'],
  },
})
