import { type ChildProcess, spawn } from 'node:child_process'
import { readFile, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const children: ChildProcess[] = []

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Run the CLI from source (through tsx) and collect its output until `until` appears or it exits. */
function runCli(args: string[], until = 'Press Ctrl+C') {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      if (stdout.includes(until)) resolve(stdout)
    })
    child.once('exit', () =>
      stdout.includes(until) ? resolve(stdout) : reject(new Error(`exited: ${stderr}`)),
    )
  })
  // Tests that only await the exit leave `ready` rejected on purpose; mark it handled.
  ready.catch(() => undefined)
  return { child, ready, exited, output: () => ({ stdout, stderr }) }
}

describe('wxkit-emulator CLI', () => {
  it('prints its URLs, serves the default app and closes cleanly on SIGTERM', async () => {
    const run = runCli(['--port', '0'])
    const stdout = await run.ready
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1] ?? ''
    expect(stdout).toContain(`API base URL (api.weixin.qq.com):    ${url}`)
    expect(stdout).toContain(`OAuth base URL (open.weixin.qq.com): ${url}`)
    expect(stdout).toContain(`${url}/__wxkit/bridge.js`)
    expect(stdout).toContain(DEFAULT_APP.appId)
    const token = (await (
      await fetch(
        `${url}/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`,
      )
    ).json()) as { access_token?: string }
    expect(token.access_token).toBeTypeOf('string')
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
    expect(run.output().stdout).toContain('SIGTERM received, closing')
  })

  it('exits 0 on a SIGTERM sent the moment it prints, even after its stdout reader went away', async () => {
    const run = runCli(['--port', '0'])
    await run.ready
    run.child.stdout?.destroy()
    run.child.kill('SIGTERM')
    expect(await run.exited).toBe(0)
  })

  it('serves the apps given with --app and never prints their secrets', async () => {
    const run = runCli([
      '--port',
      '0',
      '--app',
      'wx00000000000000a1:topsecretA',
      '--app',
      'wx00000000000000a2:topsecretB',
    ])
    const stdout = await run.ready
    expect(stdout).toContain('wx00000000000000a1')
    expect(stdout).toContain('wx00000000000000a2')
    expect(stdout).not.toContain('topsecret')
    const url = /listening on (\S+)/.exec(stdout)?.[1] ?? ''
    const answer = (await (
      await fetch(
        `${url}/cgi-bin/token?grant_type=client_credential&appid=wx00000000000000a2&secret=topsecretB`,
      )
    ).json()) as { access_token?: string }
    expect(answer.access_token).toBeTypeOf('string')
    run.child.kill('SIGINT')
    expect(await run.exited).toBe(0)
  })

  it.each([['--version'], ['-v']])(
    'prints the package version for %s and exits 0 without listening',
    async (flag) => {
      const { version } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string
      }
      const run = runCli([flag])
      expect(await run.exited).toBe(0)
      expect(run.output().stdout).toBe(`${version}\n`)
      expect(run.output().stderr).toBe('')
    },
  )

  it('exits non-zero with a message for a malformed --app', async () => {
    const run = runCli(['--port', '0', '--app', 'no-separator'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toContain('--app must look like <appId>:<appSecret>')
  })

  it.each([
    [['--prot', '0'], 'wxkit-emulator: unknown option --prot (see --help)'],
    [['--port', '0', 'extra'], 'wxkit-emulator: unexpected argument extra (see --help)'],
    [['--port', 'abc'], '@wxkit/emulator: port must be an integer from 0 to 65535'],
  ])('exits 1 for %j instead of starting with a default', async (args, message) => {
    const run = runCli(args)
    expect(await run.exited).toBe(1)
    expect(run.output().stderr.trim()).toBe(message)
  })

  it('exits 1 naming the address when the port is taken', async () => {
    const first = runCli(['--port', '0'])
    const url = /listening on (\S+)/.exec(await first.ready)?.[1] ?? ''
    const port = new URL(url).port
    const second = runCli(['--port', port])
    expect(await second.exited).toBe(1)
    expect(second.output().stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`)
  })

  it('approves snsapi_userinfo at once with --auto-approve', async () => {
    const run = runCli(['--port', '0', '--auto-approve'])
    const url = /listening on (\S+)/.exec(await run.ready)?.[1] ?? ''
    const authorize = await fetch(
      `${url}/connect/oauth2/authorize?appid=${DEFAULT_APP.appId}&redirect_uri=` +
        `${encodeURIComponent('https://app.example/cb')}&response_type=code&scope=snsapi_userinfo&state=s1`,
      { redirect: 'manual' },
    )
    expect(authorize.status).toBe(302)
    expect(authorize.headers.get('location')).toMatch(/^https:\/\/app\.example\/cb\?code=[\w-]+&state=s1$/)
  })
})

describe('the published bin shim', () => {
  it('is an executable ESM file that loads the CLI tsc builds from src/cli.ts', async () => {
    const root = new URL('../', import.meta.url)
    const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8'))
    expect(pkg.bin).toEqual({ 'wxkit-emulator': './bin/wxkit-emulator.js' })
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'bin']))
    const shim = await readFile(new URL('bin/wxkit-emulator.js', root), 'utf8')
    expect(shim.startsWith('#!/usr/bin/env node\n')).toBe(true)
    expect(shim).toMatch(/^import '\.\.\/dist\/cli\.js'$/m)
    expect((await stat(new URL('bin/wxkit-emulator.js', root))).mode & 0o111).not.toBe(0)
    const build = JSON.parse(await readFile(new URL('tsconfig.build.json', root), 'utf8'))
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' })
    await expect(stat(new URL('src/cli.ts', root))).resolves.toBeTruthy()
  })
})
