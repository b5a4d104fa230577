import { execFile } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { ROOT_README, readmeCode } from './support/readme-code.js'

// The readme-*.test.ts files run the README's programs from generated files, which the package's
// `typecheck` never sees. This compiles exactly those blocks, as a user's project would, with the
// package's compiler options (`@wxkit/express` mapped to this package's source), and the repository README's
// app at a glance.
const HEADINGS = [
  '## A complete app',
  '## Mount the pieces yourself',
  '## Message push',
  '## Order → pay → notify',
  '## WeChat Pay notifications',
]
const folder = new URL('.generated-types/', import.meta.url)
afterAll(() => rmSync(folder, { recursive: true, force: true }))

it('every README program compiles under the package’s compiler options', async () => {
  mkdirSync(folder, { recursive: true })
  const files = HEADINGS.map((heading, index) => {
    const file = `block-${index}.ts`
    writeFileSync(new URL(file, folder), `${readmeCode(heading)}\nexport {}\n`)
    return file
  })
  files.push('root-at-a-glance.ts')
  writeFileSync(
    new URL(files.at(-1) ?? '', folder),
    `${readmeCode('## At a glance', ROOT_README)}\nexport {}\n`,
  )
  const tsconfig = {
    extends: '../../tsconfig.json',
    compilerOptions: { paths: { '@wxkit/express': ['../../src/index.ts'] } },
    include: files,
  }
  writeFileSync(new URL('tsconfig.json', folder), JSON.stringify(tsconfig))
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  const run = promisify(execFile)(process.execPath, [
    tsc,
    '-p',
    fileURLToPath(new URL('tsconfig.json', folder)),
  ])
  const { stdout } = await run.catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? String(error),
  }))
  expect(stdout).toBe('')
}, 60_000)
