import { defineWxkitConfig } from '../../vitest.shared.ts'

export default defineWxkitConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tests share one Chromium and one demo server per file; keep files from competing
    // for the two CPU cores with Vite's dependency optimiser.
    fileParallelism: false,
  },
})
