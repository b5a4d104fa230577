import { randomFillSync } from 'node:crypto'

/**
 * CSPRNG bytes (`crypto.randomFillSync`) drawn from one pooled buffer, refilled 4 KiB at a time, as Node's
 * own `randomUUID` and `randomInt` do: a `randomBytes(16)` call per message costs more than the AES work
 * of a whole push, a draw from the pool almost nothing. Every byte is handed out once.
 */
const pool = Buffer.allocUnsafe(4096)
let cursor = pool.length

/** One random byte. */
export function randomByte(): number {
  if (cursor >= pool.length) refill()
  return pool[cursor++] as number
}

/** Write `length` random bytes into `target` at `offset`. */
export function fillRandom(target: Uint8Array, offset: number, length: number): void {
  let written = 0
  while (written < length) {
    if (cursor >= pool.length) refill()
    const take = Math.min(length - written, pool.length - cursor)
    pool.copy(target, offset + written, cursor, cursor + take)
    cursor += take
    written += take
  }
}

function refill(): void {
  randomFillSync(pool)
  cursor = 0
}
