import { CONTROL_METHODS, type EmulatorControl } from './emulator-control.js'

/**
 * Control an emulator running in another process (e.g. one started by the `wxkit-emulator` CLI) through
 * its HTTP control API, with the same typed methods as `emulator.control`.
 *
 * @example
 * ```ts
 * const control = connectEmulator('http://127.0.0.1:4000')
 * const code = await control.mintCode({ kind: 'login' })
 * ```
 */
export function connectEmulator(url: string | URL): EmulatorControl {
  const base = new URL(url)
  const entries = CONTROL_METHODS.map((method) => {
    const endpoint = new URL(`/__wxkit/${method}`, base)
    const call = async (argument?: unknown): Promise<unknown> => {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: argument === undefined ? '' : JSON.stringify(argument),
      })
      const text = await response.text()
      let parsed: unknown
      try {
        parsed = text === '' ? null : JSON.parse(text)
      } catch {
        throw new Error(
          `@wxkit/emulator: ${method} answered HTTP ${response.status} with a body that is not JSON`,
        )
      }
      if (!response.ok) {
        const message = (parsed as { error?: unknown } | null)?.error
        throw new Error(
          typeof message === 'string'
            ? message
            : `@wxkit/emulator: ${method} failed (HTTP ${response.status})`,
        )
      }
      return parsed ?? undefined
    }
    return [method, call] as const
  })
  return Object.fromEntries(entries) as unknown as EmulatorControl
}
