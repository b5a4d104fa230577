/**
 * A failure the emulator plays instead of (or before) its normal answer:
 * - `http`: that HTTP status with an HTML body, as a gateway in front of WeChat would send;
 * - `delay`: wait `ms` milliseconds, then answer normally;
 * - `reset`: destroy the socket without answering;
 * - `malformed-json`: HTTP 200 with a truncated JSON body;
 * - `errcode`: HTTP 200 with that WeChat error (e.g. 40001 even though the token is valid).
 */
export type EmulatorFault =
  | { kind: 'http'; status: 500 | 502 | 503 }
  | { kind: 'delay'; ms: number }
  | { kind: 'reset' }
  | { kind: 'malformed-json' }
  | { kind: 'errcode'; errcode: -1 | 45009 | 40001 }

/** The argument of `injectFault()`. */
export interface InjectFaultOptions {
  /** The request path to fail, e.g. `/cgi-bin/stable_token`. */
  path: string
  /** How many of the next requests on `path` fail. @default 1 */
  times?: number
  /** What happens to them. */
  fault: EmulatorFault
}

const HTTP_STATUSES = new Set([500, 502, 503])
const ERRCODES = new Set([-1, 45009, 40001])

/** Check an `injectFault()` argument, so a typo fails at the call instead of silently never firing. */
export function validateFault(options: InjectFaultOptions): Required<InjectFaultOptions> {
  const { path, fault } = options ?? ({} as InjectFaultOptions)
  const times = options?.times ?? 1
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw new TypeError('@wxkit/emulator: injectFault needs a path starting with "/"')
  }
  if (/[?#]/.test(path)) {
    throw new TypeError('@wxkit/emulator: injectFault path is the URL path only, without "?query" or "#"')
  }
  if (path.startsWith('/__wxkit/')) {
    throw new TypeError('@wxkit/emulator: injectFault cannot fail the emulator’s own /__wxkit/ paths')
  }
  if (!Number.isInteger(times) || times < 1) {
    throw new TypeError('@wxkit/emulator: injectFault times must be a positive integer')
  }
  const ok =
    (fault?.kind === 'http' && HTTP_STATUSES.has(fault.status)) ||
    (fault?.kind === 'delay' && Number.isFinite(fault.ms) && fault.ms >= 0) ||
    fault?.kind === 'reset' ||
    fault?.kind === 'malformed-json' ||
    (fault?.kind === 'errcode' && ERRCODES.has(fault.errcode))
  if (!ok) {
    throw new TypeError(
      '@wxkit/emulator: injectFault fault must be {kind:"http",status:500|502|503}, {kind:"delay",ms}, ' +
        '{kind:"reset"}, {kind:"malformed-json"} or {kind:"errcode",errcode:-1|45009|40001}',
    )
  }
  return { path, times, fault }
}

/** Pending faults per path, taken first-in first-out, one per request. */
export class FaultQueue {
  readonly #pending = new Map<string, { fault: EmulatorFault; remaining: number }[]>()

  /** Queue `fault` for the next `times` requests on `path`. */
  add(options: InjectFaultOptions): void {
    const { path, times, fault } = validateFault(options)
    const queue = this.#pending.get(path) ?? []
    queue.push({ fault, remaining: times })
    this.#pending.set(path, queue)
  }

  /** Take the fault for one request on `path`, if any. */
  take(path: string): EmulatorFault | undefined {
    const queue = this.#pending.get(path)
    const head = queue?.[0]
    if (!queue || !head) return undefined
    head.remaining -= 1
    if (head.remaining === 0) queue.shift()
    if (queue.length === 0) this.#pending.delete(path)
    return head.fault
  }

  /** Drop every pending fault. */
  clear(): void {
    this.#pending.clear()
  }
}
