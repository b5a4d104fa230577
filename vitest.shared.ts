import { fileURLToPath } from 'node:url'
import { defineConfig, type ViteUserConfig } from 'vitest/config'

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * The one vitest configuration every workspace package extends.
 *
 * Sibling packages resolve to their sources, so a test never runs against a stale `dist/`, and every
 * run writes a JSON report that `.ci/run` adds up into its closing `N passed, N failed` line.
 */
export function defineWxkitConfig(overrides: ViteUserConfig = {}): ViteUserConfig {
  return defineConfig({
    ...overrides,
    resolve: {
      alias: [
        { find: /^@wxkit\/core$/, replacement: here('./packages/core/src/index.ts') },
        { find: /^@wxkit\/express$/, replacement: here('./packages/express/src/index.ts') },
        { find: /^@wxkit\/emulator$/, replacement: here('./packages/emulator/src/index.ts') },
        { find: /^@wxkit\/redis$/, replacement: here('./packages/redis/src/index.ts') },
        { find: /^@wxkit\/pay$/, replacement: here('./packages/pay/src/index.ts') },
      ],
      ...overrides.resolve,
    },
    test: {
      reporters: [
        'default',
        ['json', { outputFile: `test-results/${process.env.WXKIT_VITEST_REPORT ?? 'vitest'}.json` }],
      ],
      testTimeout: 20_000,
      hookTimeout: 30_000,
      ...overrides.test,
    },
  })
}
