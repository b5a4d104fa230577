import { DemoConfigError, readDemoConfig } from './server/config.js'
import type { RunningDemo, StartDemoOptions } from './server/start-demo.js'

/** How long Ctrl-C may take to close Vite, the server and the emulator before the process just exits. */
const CLOSE_TIMEOUT_MS = 5_000

function fail(message: string): never {
  console.error(`h5-demo: ${message}`)
  process.exit(1)
}

let config: ReturnType<typeof readDemoConfig>
try {
  config = readDemoConfig(process.env)
} catch (error) {
  if (!(error instanceof DemoConfigError)) throw error
  fail(error.message)
}

// Loaded here rather than imported at the top, so a clone whose workspace packages are not built yet gets
// a sentence saying what to run instead of Node's module-resolution stack trace.
let startDemo: (options: StartDemoOptions) => Promise<RunningDemo>
try {
  ;({ startDemo } = await import('./server/start-demo.js'))
} catch (error) {
  const missing = /@wxkit\/[\w-]+/.exec(String((error as { url?: string }).url ?? (error as Error).message))
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || missing === null) throw error
  fail(
    `${missing[0]} is not built yet. Run \`pnpm demo\` from the repository root (it builds the packages the demo needs first), or \`pnpm build\`.`,
  )
}

const demo = await startDemo({
  config,
  assets: process.env.NODE_ENV === 'production' ? 'dist' : 'vite',
}).catch((error: unknown): never => {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'EADDRINUSE')
    fail(`port ${config.port} is in use; set PORT to another port (0 picks a free one)`)
  if (code === 'EACCES') fail(`port ${config.port} needs more privileges; set PORT to a port above 1023`)
  return fail(`could not start: ${error instanceof Error ? error.message : String(error)}`)
})
console.log(`\n  wxkit H5 demo: open ${demo.url}\n`)
for (const note of demo.notes) console.log(`  ${note}`)
console.log('\n  Press Ctrl-C to stop.\n')

let closing = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) {
      console.error('h5-demo: stopped without waiting')
      process.exit(1)
    }
    closing = true
    console.log('h5-demo: stopping…')
    setTimeout(
      () => fail(`still closing after ${CLOSE_TIMEOUT_MS / 1000} s; stopped anyway`),
      CLOSE_TIMEOUT_MS,
    ).unref()
    demo.close().then(
      () => {
        console.log('h5-demo: stopped')
        process.exit(0)
      },
      (error: unknown) =>
        fail(`error while stopping: ${error instanceof Error ? error.message : String(error)}`),
    )
  })
}
