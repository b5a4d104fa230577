import { DemoConfigError, readDemoConfig } from './server/config.js'
import { startDemo } from './server/start-demo.js'

let config: ReturnType<typeof readDemoConfig>
try {
  config = readDemoConfig(process.env)
} catch (error) {
  if (!(error instanceof DemoConfigError)) throw error
  console.error(`h5-demo: ${error.message}`)
  process.exit(1)
}

const demo = await startDemo({
  config,
  assets: process.env.NODE_ENV === 'production' ? 'dist' : 'vite',
}).catch((error: unknown) => {
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`h5-demo: port ${config.port} is in use; set PORT to another port (0 picks a free one)`)
  } else {
    console.error('h5-demo: could not start:', error instanceof Error ? error.message : error)
  }
  process.exit(1)
})
console.log(`\n  wxkit H5 demo: open ${demo.url}\n`)
for (const note of demo.notes) console.log(`  ${note}`)
console.log('')

let closing = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(1)
    closing = true
    demo.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
}
