import { Bench } from 'tinybench'

const BATCH = 1000

/**
 * Sequential awaited calls per second of a warm `call`, measured by tinybench over batches of 1000
 * (so timer overhead does not dominate a microsecond call).
 */
export async function warmCallsPerSecond(call: () => Promise<unknown>, timeMs = 1000): Promise<number> {
  for (let i = 0; i < 10; i++) await call() // make sure it is warm before timing starts
  const bench = new Bench({ time: timeMs, warmupTime: 200 })
  bench.add('warm', async () => {
    for (let i = 0; i < BATCH; i++) await call()
  })
  await bench.run()
  const result = bench.tasks[0]?.result
  if (!result || !('throughput' in result) || !result.throughput) {
    throw new Error(`warm benchmark did not complete (${result?.state})`)
  }
  return BATCH * result.throughput.mean
}
