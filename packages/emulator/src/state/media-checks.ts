import { type ContentVerdict, verdictDetail } from './content-rules.js'

/** A `media_check_async` whose verdict is still to be pushed. */
export interface PendingMediaCheck {
  appId: string
  openid: string
  traceId: string
  verdict: ContentVerdict
  /** Emulator time (ms) the `wxa_media_check` push is due. */
  dueAt: number
}

/**
 * Media checks waiting for their verdict push (§14.3: "within 30 minutes"). `deliverDue()` pushes every
 * verdict due on the emulator clock, oldest first; `advanceClock` calls it, and a real-time timer does too.
 */
export class MediaCheckQueue {
  readonly #pending: PendingMediaCheck[] = []
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> = Promise.resolve()
  #stopped = false

  constructor(
    readonly delayMs: number,
    private readonly now: () => number,
    private readonly push: (check: PendingMediaCheck) => Promise<unknown>,
  ) {}

  /** Queue a verdict `delayMs` from now. */
  schedule(check: Omit<PendingMediaCheck, 'dueAt'>): void {
    this.#pending.push({ ...check, dueAt: this.now() + this.delayMs })
    this.#arm()
  }

  /** Push every verdict that is due, in order; resolves once they were delivered (or failed). */
  deliverDue(): Promise<void> {
    this.#running = this.#running.then(async () => {
      for (;;) {
        const next = this.#pending[0]
        if (this.#stopped || !next || next.dueAt > this.now()) break
        this.#pending.shift()
        await this.push(next).catch(() => undefined)
      }
      this.#arm()
    })
    return this.#running
  }

  /** Drop every pending check. */
  clear(): void {
    this.#pending.length = 0
    clearTimeout(this.#timer)
  }

  /** No more pushes (the emulator is closing). */
  stop(): void {
    this.#stopped = true
    this.clear()
  }

  #arm(): void {
    clearTimeout(this.#timer)
    const next = this.#pending[0]
    if (this.#stopped || !next) return
    this.#timer = setTimeout(
      () => void this.deliverDue(),
      Math.max(0, Math.min(next.dueAt - this.now(), 2 ** 31 - 1)),
    )
    this.#timer.unref()
  }
}

/** The `wxa_media_check` event WeChat pushes for a finished check (§9.5), with WeChat's field names. */
export function mediaCheckEvent(check: PendingMediaCheck): Record<string, unknown> {
  return {
    MsgType: 'event',
    Event: 'wxa_media_check',
    FromUserName: check.openid,
    appid: check.appId,
    trace_id: check.traceId,
    version: 2,
    detail: verdictDetail(check.verdict),
    errcode: 0,
    errmsg: 'ok',
    result: { suggest: check.verdict.suggest, label: check.verdict.label },
  }
}
