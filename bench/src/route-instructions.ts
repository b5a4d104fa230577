/**
 * `pnpm bench:instructions`: figure 1's two servers counted in instructions instead of seconds, so the
 * comparison holds on a machine that other work keeps busy (the CPU-time figure swings by tens of
 * percent there). Each route server runs under `valgrind --tool=callgrind`; after a warm-up, one
 * connection sends requests one at a time (so how many requests one event-loop turn handles, which
 * depends on timing, cannot change the count), and the user-space instructions of the measured window
 * are divided by its requests. Kernel time (the socket write, the same bytes for both) is not counted,
 * so the ratio shows the JavaScript work alone. Needs valgrind; takes about five minutes.
 */
import { execFile, spawn } from 'node:child_process'
import { readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startEmulator } from '@wxkit/emulator'
import autocannon from 'autocannon'
import { ROUTE } from './route-paths.js'

const run = promisify(execFile)
const ROUTE_SERVER = fileURLToPath(new URL('./route-server.ts', import.meta.url))
const WARM_REQUESTS = 3000
const MEASURED_REQUESTS = Number(process.env.BENCH_INSTRUCTION_REQUESTS ?? 3000)

/** User-space instructions per request of one route server (`wxkit` or `bare`). */
async function instructionsPerRequest(mode: 'wxkit' | 'bare', baseURL: string): Promise<number> {
  const out = join(tmpdir(), `wxkit-callgrind-${mode}-${process.pid}`)
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--quiet',
      // V8 writes its machine code at run time: valgrind must notice code it rewrites.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${out}.%p`,
      process.execPath,
      '--import',
      'tsx',
      ROUTE_SERVER,
      mode,
    ],
    {
      env: { ...process.env, WXKIT_BASE_URL: baseURL, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  )
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m: { port: number }) => resolve(m.port))
      child.once('exit', (code) => reject(new Error(`route server (${mode}) exited with ${code}`)))
    })
    const url = `http://127.0.0.1:${port}${ROUTE}`
    await autocannon({ url, connections: 1, amount: WARM_REQUESTS })
    await run('callgrind_control', ['--zero', String(child.pid)])
    const result = await autocannon({ url, connections: 1, amount: MEASURED_REQUESTS })
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${mode}: ${result.non2xx} non-2xx answers`)
    await run('callgrind_control', ['--dump', String(child.pid)])
    const name = `${out.split('/').pop()}.${child.pid}.1`
    const dump = await readFile(join(tmpdir(), name), 'utf8')
    const summary = /^summary: (\d+)/m.exec(dump)?.[1]
    if (!summary) throw new Error(`${mode}: no summary line in ${name}`)
    return Number(summary) / result.requests.total
  } finally {
    child.kill()
    for (const file of await readdir(tmpdir())) {
      if (file.startsWith(`wxkit-callgrind-${mode}-${process.pid}`))
        await rm(join(tmpdir(), file), { force: true })
    }
  }
}

const emulator = await startEmulator({ port: 0 })
try {
  const counts: Record<string, number[]> = { wxkit: [], bare: [] }
  for (const mode of ['wxkit', 'bare', 'wxkit', 'bare'] as const) {
    const count = await instructionsPerRequest(mode, emulator.apiBaseUrl)
    counts[mode]?.push(count)
    console.error(`${mode}: ${Math.round(count).toLocaleString('en-US')} instructions/request`)
  }
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
  const wxkit = mean(counts.wxkit ?? [])
  const bare = mean(counts.bare ?? [])
  console.log(
    `figure 1 by instructions: bare ÷ wxkit = ${(bare / wxkit).toFixed(3)} (${Math.round(bare).toLocaleString('en-US')} ÷ ${Math.round(wxkit).toLocaleString('en-US')} instructions/request, one connection, ${MEASURED_REQUESTS} requests after ${WARM_REQUESTS} warm-up)`,
  )
} finally {
  await emulator.close()
}
