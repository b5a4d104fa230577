// The StrykerJS options every package's `stryker.config.mjs` shares; `pnpm mutate` runs them one package
// after another. See TESTING.md for what is measured and the scores.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

/**
 * @param {{ mutate: string[] }} options the package's files to mutate (globs relative to the package)
 * @returns {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export function strykerConfig({ mutate }) {
  return {
    mutate,
    // pnpm keeps the plugins out of reach of Stryker's own node_modules: hand it their resolved paths.
    plugins: [
      require.resolve('@stryker-mutator/vitest-runner'),
      require.resolve('@stryker-mutator/typescript-checker'),
    ],
    testRunner: 'vitest',
    // Only the tests that import a mutated file run, and per mutant only the tests that reach it.
    vitest: { configFile: 'vitest.config.ts', related: true },
    coverageAnalysis: 'perTest',
    // A mutant tsc rejects is a compile error, not a survivor; it is never run.
    checkers: ['typescript'],
    tsconfigFile: 'tsconfig.json',
    // In place, because every vitest config imports `../../vitest.shared.ts`, which a sandbox copy of one
    // package would not have. Stryker restores the sources when it ends or is interrupted: do not edit a
    // file under mutation while a run is going (or run from a separate clone).
    inPlace: true,
    // Results are reused for mutants whose code and covering tests did not change since the last run.
    incremental: true,
    incrementalFile: 'reports/mutation/stryker-incremental.json',
    // The tests talk to real servers (emulator, Redis, Chromium) on a possibly loaded machine.
    timeoutMS: 15_000,
    timeoutFactor: 2,
    thresholds: { high: 95, low: 85, break: null },
    reporters: ['clear-text', 'progress', 'html', 'json'],
    htmlReporter: { fileName: 'reports/mutation/index.html' },
    jsonReporter: { fileName: 'reports/mutation/mutation.json' },
    // Stryker prepends `// @ts-nocheck` to the files it touches; only sources need it. A test that reads
    // its own files (pay's README example is compared with the file the test runs) must see them as they are.
    disableTypeChecks: 'src/**/*.ts',
    tempDirName: '.stryker-tmp',
    cleanTempDir: 'always',
  }
}
