import { execFileSync } from 'node:child_process'
import { availableParallelism } from 'node:os'

/**
 * On a 2-core machine the scheduler puts a server under load sometimes on the load generator's core and
 * sometimes on the other one, and keeps it there for the whole run: one server of a pair then pays for
 * sharing a core (caches, hyperthread siblings) and the other does not, which moved figure 1 by ±10 %
 * from run to run on an idle machine. So the bench process (autocannon, the emulator) keeps core 0 and
 * every server under load, one at a time, gets core 1. Set BENCH_PIN=0 to leave placement to the OS.
 */
const PINNING = process.env.BENCH_PIN !== '0' && availableParallelism() >= 2

/** The core of the bench process itself. */
export const LOAD_CORE = 0
/** The core every server under load runs on. */
export const SERVER_CORE = 1

let pinnedOnce = false

/** How the processes were placed, for the results' header. */
export function placement(): string {
  return pinnedOnce
    ? `servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}`
    : 'placed by the OS'
}

/**
 * Pins process `pid` and all its threads to `core` with `taskset` (util-linux). Answers whether it did:
 * without `taskset`, or with pinning off, the OS places the process.
 */
export function pinToCore(pid: number, core: number): boolean {
  if (!PINNING) return false
  try {
    execFileSync('taskset', ['--all-tasks', '--cpu-list', '--pid', String(core), String(pid)], {
      stdio: 'ignore',
    })
    pinnedOnce = true
    return true
  } catch {
    return false
  }
}
