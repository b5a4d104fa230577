import { type ChildProcess, spawn } from 'node:child_process'
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

  it('exits non-zero with a message for a malformed --app', async () => {
    const run = runCli(['--port', '0', '--app', 'no-separator'])
    expect(await run.exited).toBe(1)
    expect(run.output().stderr).toContain('--app must look like <appId>:<appSecret>')
  })
})
