import { readFileSync } from 'node:fs'
import { cac } from 'cac'
import { startEmulator } from './start-emulator.js'
import { DEFAULT_APP, type EmulatorApp } from './state/apps.js'

/** The option keys cac reports for the flags below (it adds a camelCase key for kebab-case flags). */
const KNOWN_OPTIONS = new Set([
  '--',
  'port',
  'host',
  'app',
  'auto-approve',
  'autoApprove',
  'help',
  'h',
  'version',
  'v',
])

/** The package's own version; package.json sits one level above both src/ and dist/. */
function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/**
 * `wxkit-emulator [--port 4000] [--host 127.0.0.1] [--app id:secret]... [--auto-approve]` (or `--version`): start the
 * emulator, print its URLs, and close cleanly on SIGINT or SIGTERM.
 */
async function main(): Promise<void> {
  const cli = cac('wxkit-emulator')
  cli
    .usage('[--port 4000] [--host 127.0.0.1] [--app <appId>:<appSecret>]... [--auto-approve]')
    .option('--port <port>', 'TCP port (0 picks a free one)', { default: 4000 })
    .option('--host <host>', 'Interface to listen on', { default: '127.0.0.1' })
    .option(
      '--app <id:secret>',
      'An app the emulator knows (repeatable; default: the documented DEFAULT_APP)',
    )
    .option('--auto-approve', 'Approve web OAuth at once instead of showing the consent page')
    .option('-v, --version', 'Print the version and exit')
    .help()
  const { args, options } = cli.parse()
  if (options.help) return
  if (options.version) {
    // Just the number, as `node --version` or `npm --version` print it, so scripts can compare it.
    process.stdout.write(`${packageVersion()}\n`)
    return
  }
  // cac ignores what it does not know; a typo such as --prot would then start on the default port.
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key))
  if (unknown.length > 0 || args.length > 0) {
    const what =
      unknown[0] !== undefined
        ? `unknown option ${unknown[0].length === 1 ? '-' : '--'}${unknown[0]}`
        : `unexpected argument ${args[0]}`
    throw new TypeError(`wxkit-emulator: ${what} (see --help)`)
  }

  const port = Number(options.port)
  const apps = parseApps(options.app)
  const emulator = await startEmulator({
    port,
    host: String(options.host),
    apps,
    oauth: { autoApprove: options.autoApprove === true },
  })

  const lines = [
    `wxkit emulator listening on ${emulator.url}`,
    `  API base URL (api.weixin.qq.com):    ${emulator.apiBaseUrl}`,
    `  OAuth base URL (open.weixin.qq.com): ${emulator.oauthBaseUrl}`,
    `  JS-SDK bridge:                       ${emulator.url}/__wxkit/bridge.js`,
    `  Control API:                         POST ${emulator.url}/__wxkit/<method>`,
    ...apps.map((app) =>
      app.appId === DEFAULT_APP.appId && app.appSecret === DEFAULT_APP.appSecret
        ? `  App: ${app.appId} (DEFAULT_APP, secret ${app.appSecret})`
        : `  App: ${app.appId}`,
    ),
    'Press Ctrl+C to stop.',
  ]
  // When stdout is a pipe whose reader went away (`wxkit-emulator | head -3`), a later write fails with
  // EPIPE; that must not turn a clean SIGTERM into a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`wxkit emulator: ${signal} received, closing\n`)
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`wxkit emulator: close failed: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  // Print only now: a supervisor that sees "Press Ctrl+C" may signal at once, and a signal that arrives
  // before the handlers exist would kill the process instead of closing it.
  process.stdout.write(`${lines.join('\n')}\n`)
}

function parseApps(value: unknown): EmulatorApp[] {
  if (value === undefined) return [DEFAULT_APP]
  const entries = (Array.isArray(value) ? value : [value]).map(String)
  return entries.map((entry) => {
    const separator = entry.indexOf(':')
    const appId = entry.slice(0, separator)
    const appSecret = entry.slice(separator + 1)
    if (separator <= 0 || appSecret === '') {
      throw new TypeError('wxkit-emulator: --app must look like <appId>:<appSecret>')
    }
    return { appId, appSecret }
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
