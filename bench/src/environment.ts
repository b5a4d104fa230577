import { cpus } from 'node:os'
import { placement } from './cpu-pinning.js'

/** Where and when the figures were measured: the header of every results table. */
export function environmentLine(): string {
  const cpu = cpus()
  const model = cpu[0]?.model.trim() ?? 'unknown CPU'
  return `Node ${process.version} · ${cpu.length} CPU (${model}) · ${process.platform}/${process.arch} · ${placement()} · ${new Date().toISOString()}`
}
