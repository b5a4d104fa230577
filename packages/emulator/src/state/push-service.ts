import { deliverPush, verifyServerUrl } from '../push/deliver-push.js'
import { completeMessage } from '../push/push-message.js'
import type { EmittedPush, PushResult, PushTarget, VerifyServerUrlResult } from '../push/push-options.js'
import { defaultOpenid } from './users.js'

/**
 * WeChat's side of message push: where each app's events go (`configurePush`), and delivery with
 * WeChat's signing, encryption, 5-second timeout and 3 tries.
 *
 * Emulator routes that make WeChat generate an event (a subscribe send, a media check, a scanned code, a
 * menu click) call {@link PushService.emit} once their answer is decided, without awaiting it, as WeChat
 * pushes asynchronously:
 *
 * @example
 * ```ts
 * // in a route, after the API call succeeded:
 * void state.push.emit(token.appId, {
 *   MsgType: 'event',
 *   Event: 'subscribe_msg_sent_event',
 *   FromUserName: touser,
 *   List: [{ TemplateId: templateId, MsgID: String(msgid), ErrorCode: 0, ErrorStatus: 'success' }],
 * })
 * ```
 * Field names are WeChat's; `ToUserName`, `FromUserName` (default user) and `CreateTime` are filled in when
 * absent; list fields are arrays (the JSON body writes a one-item `List` as an object, as WeChat does).
 * Nothing happens for an app without `configurePush`; `pushes()` lists what was emitted and how it went.
 */
export class PushService {
  readonly #targets = new Map<string, PushTarget>()
  readonly #emitted: EmittedPush[] = []
  #closing = new AbortController()

  constructor(private readonly now: () => number) {}

  /** Send `appid`'s generated events to `target` from now on. */
  configure(target: PushTarget): void {
    this.#targets.set(target.appid, target)
  }

  /** Where `appid`'s events go, if configured. */
  target(appid: string): PushTarget | undefined {
    return this.#targets.get(appid)
  }

  /** Deliver one message to `target` now (what `pushMessage()` does). Rejects only when the emulator closes. */
  deliver(target: PushTarget, message: unknown, call = 'pushMessage'): Promise<PushResult> {
    const complete = completeMessage(
      message,
      { appid: target.appid, openid: defaultOpenid(target.appid), nowMs: this.now() },
      call,
    )
    return deliverPush(target, complete, { now: this.now, signal: this.#closing.signal })
  }

  /** The console's URL check (what `verifyServerUrl()` does). */
  verify(target: { url: string; token: string }): Promise<VerifyServerUrlResult> {
    return verifyServerUrl(target, { now: this.now, signal: this.#closing.signal })
  }

  /**
   * Push an event the emulator generated to the app's configured server, if any. Resolves with the
   * result (undefined when the app has no push target); never rejects, so routes may ignore it.
   */
  async emit(appid: string, message: Record<string, unknown>): Promise<PushResult | undefined> {
    const target = this.#targets.get(appid)
    if (!target) return undefined
    const complete = completeMessage(
      message,
      { appid, openid: defaultOpenid(appid), nowMs: this.now() },
      'emit',
    )
    const record: EmittedPush = { appid, message: complete }
    this.#emitted.push(record)
    try {
      record.result = await deliverPush(target, complete, { now: this.now, signal: this.#closing.signal })
      return record.result
    } catch {
      return undefined // the emulator closed mid-delivery
    }
  }

  /** A copy of the emitted events, oldest first. */
  emitted(): EmittedPush[] {
    return structuredClone(this.#emitted)
  }

  /** Forget targets and emitted events; deliveries in flight are abandoned. */
  clear(): void {
    this.#targets.clear()
    this.#emitted.length = 0
    this.close()
    this.#closing = new AbortController()
  }

  /** Abort every delivery in flight (the emulator is closing). */
  close(): void {
    this.#closing.abort(new Error('@wxkit/emulator: closed while delivering a push'))
  }
}
