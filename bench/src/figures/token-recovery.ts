import type { RunningEmulator } from '@wxkit/emulator'
import type { Contender } from '../contenders.js'
import { firstError, upstreamCalls } from './stampede.js'

export interface RecoveryCounts {
  calls: number
  failed: number
  /** Requests to the token endpoints made to recover. */
  tokenCalls: number
  firstError: string | undefined
}

/**
 * Warm a client, revoke every token in the emulator (as a token rotated elsewhere would), then fire
 * `calls` concurrent ticket fetches that present the dead token: how many fail, how many tokens are
 * fetched to recover.
 */
export async function tokenRecovery(
  emulator: RunningEmulator,
  make: () => Contender,
  calls: number,
): Promise<RecoveryCounts> {
  await emulator.control.reset()
  const contender = make()
  await contender.config()
  await contender.refetchTicket()
  await emulator.control.revokeTokens()
  const before = upstreamCalls(await emulator.control.counters()).tokenCalls
  const results = await Promise.allSettled(Array.from({ length: calls }, () => contender.refetchTicket()))
  const after = upstreamCalls(await emulator.control.counters()).tokenCalls
  return {
    calls,
    failed: results.filter((r) => r.status === 'rejected').length,
    tokenCalls: after - before,
    firstError: firstError(results),
  }
}
