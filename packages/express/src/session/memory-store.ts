import { inspect } from 'node:util'
import Keyv from 'keyv'

/**
 * The in-memory Keyv the middleware creates when no store is given (for the client it builds and for the
 * sessions). It holds live tokens and every user's `session_key`, so `util.inspect` shows only its size.
 * For one process only: behind a load balancer pass a shared store (Redis).
 */
export function createMemoryStore(): Keyv {
  const map = new Map<string, unknown>()
  const keyv = new Keyv({ store: map })
  Object.defineProperty(keyv, inspect.custom, {
    value: () => `Keyv { in-memory store, ${map.size} entries }`,
  })
  return keyv
}
