import type { WechatMessageServer } from '@wxkit/core'
import Keyv from 'keyv'

// The checks every option resolver shares: start-up errors that name the option, never echo a secret.

/** Thrown at start-up for an invalid option; the message names the package and the option. */
export function optionError(option: string, problem: string): TypeError {
  return new TypeError(`@wxkit/express: option "${option}" ${problem}`)
}

/** Throws at start-up unless `server` is a `WechatMessageServer` (by shape, so duplicate installs work). */
export function assertMessageServer(server: unknown, option: string): asserts server is WechatMessageServer {
  const candidate = server as Partial<WechatMessageServer> | null | undefined
  if (typeof candidate?.handle !== 'function' || typeof candidate.bodyLimit !== 'number') {
    throw new TypeError(`@wxkit/express: ${option} must be a WechatMessageServer from @wxkit/core`)
  }
}

/** A time option in milliseconds, 1 to 600000, or `fallback` when absent. */
export function resolveMilliseconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > 600_000) {
    throw optionError(option, 'must be a whole number of milliseconds between 1 and 600000')
  }
  return value
}

export function resolveOrigin(option: string, origin: unknown): string {
  if (typeof origin !== 'string') throw optionError(option, 'must be a string such as "https://example.com"')
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    throw optionError(
      option,
      `must be an absolute http(s) origin such as "https://example.com", got "${origin}"`,
    )
  }
  const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !bare) {
    throw optionError(option, `must be an http(s) origin without path, query or credentials, got "${origin}"`)
  }
  return url.origin
}

export function resolveStringList(option: string, list: unknown): string[] {
  if (!Array.isArray(list) || list.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw optionError(option, 'must be an array of non-empty strings')
  }
  return [...list]
}

/** A callback option: a function or absent. */
export function resolveCallback<T>(option: string, callback: T): T {
  if (callback !== undefined && typeof callback !== 'function')
    throw optionError(option, 'must be a function')
  return callback
}

/** Throws for a key of `value` that is not in `known` (typos fail at start-up). */
export function rejectUnknownKeys(path: string, value: object, known: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw optionError(`${path}${key}`, `is unknown (known options: ${known.join(', ') || 'none'})`)
    }
  }
}

/** True for `{…}` literals and `Object.create(null)`, not arrays or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

export function isPlainObjectOrInstance(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True for a Keyv, also from another copy of the package (by shape). */
export function isKeyvLike(value: unknown): value is Keyv {
  if (value instanceof Keyv) return true
  return (
    typeof value === 'object' &&
    typeof (value as Keyv).on === 'function' &&
    value !== null &&
    typeof (value as Keyv).get === 'function' &&
    typeof (value as Keyv).set === 'function' &&
    typeof (value as Keyv).delete === 'function'
  )
}
