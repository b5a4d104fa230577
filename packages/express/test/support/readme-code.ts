import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RunningEmulator } from '@wxkit/emulator'
import { afterAll, beforeAll, vi } from 'vitest'
import type { CookieJar } from './cookie-jar.js'
import { startTestEmulator } from './emulator.js'

const README = new URL('../../README.md', import.meta.url)
/** The repository's own README, whose examples use this package. */
export const ROOT_README = new URL('../../../../README.md', import.meta.url)

/**
 * The first ```ts block under `heading` (e.g. `## A complete app`) in the package README (or in `file`, e.g.
 * the repository's README), verbatim.
 */
export function readmeCode(heading: string, file: URL = README): string {
  const readme = readFileSync(file, 'utf8')
  const start = readme.indexOf(heading)
  if (start === -1) throw new Error(`README.md has no "${heading}" section`)
  const match = /```ts\n([\s\S]*?)\n```/.exec(readme.slice(start))
  if (!match?.[1]) throw new Error(`README.md has no \`\`\`ts block under "${heading}"`)
  return match[1]
}

/** A README app started from a file: the module's exports, the server it listens on and its origin. */
export interface ListeningApp<Exports> {
  exports: Exports
  server: Server
  url: string
}

/**
 * Writes `source` to `file`, imports it and waits for the first `listen()` it makes (the app's own
 * `app.listen(PORT)`, with `PORT=0` in the environment).
 */
export async function importListening<Exports>(source: string, file: URL): Promise<ListeningApp<Exports>> {
  writeFileSync(file, source)
  const listening: Promise<Server> = new Promise((resolve) => {
    const spy = vi.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args) {
      spy.mockRestore()
      this.once('listening', () => resolve(this))
      return Server.prototype.listen.apply(this, args)
    })
  })
  const exports = (await import(/* @vite-ignore */ file.href)) as Exports
  const server = await listening
  return { exports, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

/** What a README test file shares: an emulator, and a folder (removed afterwards) for the generated app. */
export interface ReadmeSandbox {
  emulator(): RunningEmulator
  /** `test/<folder>/`. */
  folder: URL
}

/** Registers the hooks of a README test file: the emulator starts before its tests and stops after. */
export function readmeSandbox(folder: string): ReadmeSandbox {
  const url = new URL(`../${folder}/`, import.meta.url)
  let emulator: RunningEmulator | undefined
  beforeAll(async () => {
    emulator = await startTestEmulator()
    mkdirSync(url, { recursive: true })
  })
  afterAll(async () => {
    rmSync(url, { recursive: true, force: true })
    await emulator?.close()
  })
  return {
    emulator: () => {
      if (!emulator) throw new Error('the README sandbox starts its emulator in beforeAll')
      return emulator
    },
    folder: url,
  }
}

/** fetch against a README app at `base()`, with an optional cookie jar; never follows redirects. */
export function readmeCaller(
  base: () => string,
): (path: string, init?: RequestInit & { jar?: CookieJar }) => Promise<Response> {
  return async (path, init = {}) => {
    const { jar, ...rest } = init
    const headers = new Headers(rest.headers)
    if (jar?.header()) headers.set('Cookie', jar.header())
    const response = await fetch(`${base()}${path}`, { ...rest, headers, redirect: 'manual' })
    jar?.store(response)
    return response
  }
}
