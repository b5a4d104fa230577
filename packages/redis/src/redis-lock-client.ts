/**
 * The part of a node-redis (`@redis/client` 5.x, the client `@keyv/redis` uses) client the lock needs.
 *
 * Typed structurally, so a client created by your own `createClient()`, the one inside a `KeyvRedis`
 * store (`keyvRedis.client`) or a duplicate of either fits without casts.
 */
export interface RedisLockClient {
  /** True once `connect()` was called and until the client is closed. */
  readonly isOpen: boolean
  /** True while the socket is connected and commands can be sent. */
  readonly isReady: boolean
  set(
    key: string,
    value: string,
    options: { condition: 'NX'; expiration: { type: 'PX'; value: number } },
  ): Promise<unknown>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  // biome-ignore lint/suspicious/noExplicitAny: node-redis types its listeners loosely, per event.
  on(event: 'error' | 'ready', listener: (...args: any[]) => void): unknown
  // biome-ignore lint/suspicious/noExplicitAny: as above.
  off(event: 'error' | 'ready', listener: (...args: any[]) => void): unknown
}
