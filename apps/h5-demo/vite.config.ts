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
    // jweixin is the page's only dependency that needs pre-bundling (it is CommonJS); naming it and
    // skipping the crawl of index.html makes start-up quicker, and a Ctrl-C right after start no longer
    // interrupts a dependency scan (which Vite reports as an error).
    noDiscovery: true,
    include: ['weixin-js-sdk'],
  },
})
