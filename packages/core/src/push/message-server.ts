import { randomInt } from 'node:crypto'
import { WechatClientError } from '../errors.js'
import { signaturesEqual, sortedSha1, WechatMessageCrypto } from './message-crypto.js'
import { WechatMessageDecryptError } from './message-decrypt-error.js'
import {
  type ResolvedMessageServerOptions,
  resolveMessageServerOptions,
  type WechatMessageServerOptions,
} from './message-server-options.js'
import type { WechatPush, WechatPushFor, WechatPushKey } from './message-types.js'
import { dedupeKey, normalizePush, parsePushJson } from './normalize-push.js'
import { type DedupeRecord, PushDedupe } from './push-dedupe.js'
import { queryParam, textResponse, type WechatPushRequest, type WechatPushResponse } from './push-http.js'
import { buildPushXml, parsePushXml } from './push-xml.js'
import { checkReply, replyFields } from './render-reply.js'
import type { WechatReply } from './reply-types.js'

/** What a handler learns about the push besides the message. */
export interface WechatPushContext {
  /** The body format, which the reply is written in. */
  format: 'xml' | 'json'
  /** Whether the push was encrypted (compatible or safe mode); the reply is then encrypted too. */
  encrypted: boolean
}

/** A message handler: answer a reply, or `undefined` (or nothing) for `success`. */
export type WechatPushHandler<K extends string = string> = (
  message: WechatPushFor<K>,
  context: WechatPushContext,
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler with a block body and no return statement returns void
) => WechatReply | undefined | void | Promise<WechatReply | undefined | void>

/** A reply that was ready only after the server had answered `success`: send it another way. */
export interface WechatLateReplyEvent {
  message: WechatPush
  reply: WechatReply
}

/** A handler threw or answered an invalid reply; WeChat got `success`. */
export interface WechatPushErrorEvent {
  error: Error
  message: WechatPush
}

type Outcome = { reply: WechatReply | undefined } | { error: Error }

const SUCCESS = 'success'
const POLL_MS = 50
const XML_TYPE = 'application/xml; charset=utf-8'
const JSON_TYPE = 'application/json; charset=utf-8'
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** A refusal: the status and a short fixed text (never the body, a signature or a secret). */
class Refusal {
  constructor(
    readonly status: number,
    readonly text: string,
  ) {}
}

/**
 * WeChat's message push, independent of any framework (§9): URL verification, signature checks,
 * decryption (compatible and safe mode, key rotation), parsing into one message shape, handlers by
 * `MsgType` / `event.<Event>` / `*`, replies in the request's format and mode, and exactly-once handling
 * across instances that share a store.
 *
 * @example
 * ```ts
 * const server = new WechatMessageServer({ token, appId, encodingAESKey })
 * server.on('text', (message) => `You said: ${message.Content}`)
 * server.on('event.subscribe', () => 'Welcome!')
 * const response = await server.handle({ method, query, body }) // → { status, headers, body }
 * ```
 */
export class WechatMessageServer {
  readonly #options: ResolvedMessageServerOptions
  readonly #crypto: WechatMessageCrypto[]
  readonly #dedupe: PushDedupe
  readonly #handlers = new Map<string, WechatPushHandler>()
  readonly #lateListeners: Array<(event: WechatLateReplyEvent) => void> = []
  readonly #errorListeners: Array<(event: WechatPushErrorEvent) => void> = []
  readonly #inflight = new Map<string, Promise<Outcome>>()

  constructor(options: WechatMessageServerOptions) {
    this.#options = resolveMessageServerOptions(options)
    const { token, appId, keys, timestampToleranceMs, storeTimeoutMs } = this.#options
    this.#crypto = keys.map((encodingAESKey) => new WechatMessageCrypto({ token, encodingAESKey, appId }))
    this.#dedupe = new PushDedupe({
      store: this.#options.store,
      lock: this.#options.lock,
      // A request is accepted up to one tolerance either side of now, so remember it that long and more.
      ttlMs: 2 * timestampToleranceMs + 60_000,
      timeoutMs: storeTimeoutMs,
      onOutage: () =>
        this.#warn(
          '@wxkit/core: the push dedupe store is unavailable; deduplicating in process memory until it answers again',
        ),
    })
  }

  /** The largest body accepted, in bytes: framework adapters stop reading beyond it. */
  get bodyLimit(): number {
    return this.#options.bodyLimit
  }

  /** Listen for replies that came after the server had answered `success`. */
  on(event: 'lateReply', listener: (event: WechatLateReplyEvent) => void): this
  /** Listen for handlers that threw or answered an invalid reply. */
  on(event: 'error', listener: (event: WechatPushErrorEvent) => void): this
  /**
   * Handle pushes of `key`: a `MsgType` (`text`, `image` …), `event.<Event>` exactly as WeChat spells it
   * (`event.subscribe`, `event.SCAN`), or `*` for everything without a handler. One handler per key; a
   * later `on` replaces it.
   */
  on<K extends WechatPushKey>(key: K, handler: WechatPushHandler<K>): this
  on(key: string, listener: (...args: never[]) => unknown): this {
    if (typeof listener !== 'function')
      throw new TypeError(`@wxkit/core: on(${JSON.stringify(key)}) needs a function`)
    if (key === 'lateReply') this.#lateListeners.push(listener as (event: WechatLateReplyEvent) => void)
    else if (key === 'error') this.#errorListeners.push(listener as (event: WechatPushErrorEvent) => void)
    else this.#handlers.set(key, listener as unknown as WechatPushHandler)
    return this
  }

  /**
   * Answer one request from WeChat. Never rejects: refusals are 400 (malformed), 401 (signature,
   * timestamp, appid), 405 (method) and 413 (size), and none of them calls a handler.
   */
  async handle(request: WechatPushRequest): Promise<WechatPushResponse> {
    try {
      const method = String(request?.method ?? '').toUpperCase()
      if (method === 'GET') return this.#verifyUrl(request)
      if (method === 'POST') return await this.#receive(request)
      return textResponse(405, 'method not allowed', { allow: 'GET, POST' })
    } catch (error) {
      if (error instanceof Refusal) return textResponse(error.status, error.text)
      // A bug, not a WeChat request problem: a fixed answer, since the error may quote the message.
      this.#warn('@wxkit/core: the message server failed unexpectedly')
      return textResponse(500, 'internal error')
    }
  }

  /** The console's URL check: `echostr` back verbatim when the signature holds. */
  #verifyUrl(request: WechatPushRequest): WechatPushResponse {
    this.#checkSignature(request.query)
    const echostr = queryParam(request.query, 'echostr')
    if (echostr === undefined) throw new Refusal(400, 'echostr missing')
    return textResponse(200, echostr)
  }

  #checkSignature(query: WechatPushRequest['query']): { timestamp: string; nonce: string } {
    const signature = queryParam(query, 'signature')
    const timestamp = queryParam(query, 'timestamp') ?? ''
    const nonce = queryParam(query, 'nonce') ?? ''
    if (!signaturesEqual(sortedSha1([this.#options.token, timestamp, nonce]), signature)) {
      throw new Refusal(401, 'invalid signature')
    }
    const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : Number.NaN
    if (!(Math.abs(seconds * 1000 - this.#options.now()) <= this.#options.timestampToleranceMs)) {
      throw new Refusal(401, 'timestamp outside the accepted window')
    }
    return { timestamp, nonce }
  }

  async #receive(request: WechatPushRequest): Promise<WechatPushResponse> {
    const raw = request.body ?? ''
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength
    if (size > this.#options.bodyLimit) throw new Refusal(413, 'body too large')
    const { timestamp, nonce } = this.#checkSignature(request.query)
    let text: string
    try {
      text = typeof raw === 'string' ? raw : utf8.decode(raw)
    } catch {
      throw new Refusal(400, 'body is not UTF-8')
    }
    const { format, fields } = parseBody(text)
    const encrypted = queryParam(request.query, 'encrypt_type') === 'aes'
    let content = fields
    let crypto: WechatMessageCrypto | undefined
    if (encrypted) {
      ;({ content, crypto } = this.#open(fields, format, request.query, timestamp, nonce))
    } else if (!this.#options.acceptPlaintext) {
      throw new Refusal(401, 'plaintext push refused: this server expects encrypt_type=aes')
    } else if (fields.Encrypt !== undefined && this.#crypto.length > 0) {
      throw new Refusal(401, 'an Encrypt field without encrypt_type=aes')
    }
    const push = normalizePush(content)
    if (!push) throw new Refusal(400, 'not a WeChat push (ToUserName, FromUserName, CreateTime, MsgType)')
    const reply = await this.#dispatch(push, { format, encrypted })
    return this.#render(reply, push, format, crypto)
  }

  /** Verify `msg_signature`, then decrypt with the current key, then the previous one. */
  #open(
    fields: Record<string, unknown>,
    format: 'xml' | 'json',
    query: WechatPushRequest['query'],
    timestamp: string,
    nonce: string,
  ): { content: Record<string, unknown>; crypto: WechatMessageCrypto } {
    const [current] = this.#crypto
    if (!current) {
      this.#warn('@wxkit/core: an encrypted push arrived but the message server has no encodingAESKey')
      throw new Refusal(500, 'encrypted pushes are not configured')
    }
    const { Encrypt } = fields
    if (typeof Encrypt !== 'string' || Encrypt === '') throw new Refusal(400, 'Encrypt missing')
    if (!signaturesEqual(current.signature(timestamp, nonce, Encrypt), queryParam(query, 'msg_signature'))) {
      throw new Refusal(401, 'invalid msg_signature')
    }
    let appIdMismatch = false
    for (const crypto of this.#crypto) {
      let plain: string
      try {
        plain = crypto.decrypt(Encrypt)
      } catch (error) {
        if (error instanceof WechatMessageDecryptError && error.reason === 'base64') {
          throw new Refusal(400, 'Encrypt is not base64 of whole blocks')
        }
        if (error instanceof WechatMessageDecryptError && error.reason === 'appid') appIdMismatch = true
        continue
      }
      const inner = parseBody(plain)
      if (inner.format !== format) throw new Refusal(400, 'the decrypted message is not in the body format')
      return { content: inner.fields, crypto }
    }
    throw appIdMismatch
      ? new Refusal(401, 'the message is for another appid')
      : new Refusal(400, 'Encrypt does not decrypt with the EncodingAESKey')
  }

  /** Exactly once: the first claim runs the handler; others get its reply if ready in time, else success. */
  async #dispatch(push: WechatPush, context: WechatPushContext): Promise<WechatReply | undefined> {
    const deadline = Date.now() + this.#options.replyTimeoutMs
    const key = `wxkit:push:${this.#options.appId}:${dedupeKey(push)}`
    const known = await this.#dedupe.claim(key)
    if (known) return this.#awaitRecord(key, known, deadline)

    const run = this.#run(push, context)
    // A handler that answered synchronously has its outcome already: no deadline to race, no timer.
    if (!(run instanceof Promise)) return this.#finish(key, run, false)
    this.#inflight.set(key, run)
    const first = await new Promise<Outcome | 'timeout'>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()), 'timeout')
      void run.then((outcome) => {
        clearTimeout(timer)
        resolve(outcome)
      })
    })
    if (first === 'timeout') {
      void run.then(async (outcome) => {
        const reply = await this.#finish(key, outcome, true)
        if (reply !== undefined) this.#late({ message: push, reply })
      })
      return undefined
    }
    return this.#finish(key, first, false)
  }

  /** Record the outcome of a message this instance handled; the reply it gave, if any. */
  async #finish(key: string, outcome: Outcome, late: boolean): Promise<WechatReply | undefined> {
    const reply = 'reply' in outcome ? outcome.reply : undefined
    await this.#dedupe.finish(key, { state: 'done', reply: reply ?? null, late })
    this.#inflight.delete(key)
    return reply
  }

  /** A retry: the recorded reply once it is there (unless it came late), else `success` at the deadline. */
  async #awaitRecord(key: string, known: DedupeRecord, deadline: number): Promise<WechatReply | undefined> {
    const local = this.#inflight.get(key)
    // Nothing in flight here: the claim may have lost to a handler of this instance that answered
    // synchronously (no in-flight entry) and is recorded by now, so look again before polling.
    let record: DedupeRecord | undefined =
      known.state === 'done' || local ? known : ((await this.#dedupe.read(key)) ?? known)
    while (record?.state !== 'done') {
      const left = deadline - Date.now()
      if (left <= 0) return undefined
      let timer: NodeJS.Timeout | undefined
      const wait = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, local ? left : Math.min(POLL_MS, left))
      })
      await Promise.race([wait, local])
      clearTimeout(timer)
      record = await this.#dedupe.read(key)
    }
    return record.late ? undefined : (record.reply ?? undefined)
  }

  /**
   * Run the handler for `push`; a throw or an invalid reply becomes an error event, never a rejection.
   * The outcome is synchronous when the handler answered synchronously, else a promise of it.
   */
  #run(push: WechatPush, context: WechatPushContext): Outcome | Promise<Outcome> {
    const event = push.MsgType === 'event' ? (push as { Event?: unknown }).Event : undefined
    const handler =
      (event !== undefined
        ? this.#handlers.get(`event.${String(event)}`)
        : this.#handlers.get(push.MsgType)) ?? this.#handlers.get('*')
    if (!handler) return { reply: undefined }
    let answer: ReturnType<WechatPushHandler>
    try {
      answer = handler(push as never, context)
    } catch (thrown) {
      return this.#failed(thrown, push, event)
    }
    if (isThenable(answer)) {
      return Promise.resolve(answer).then(
        (value) => this.#checked(value, push, context, event),
        (thrown: unknown) => this.#failed(thrown, push, event),
      )
    }
    return this.#checked(answer, push, context, event)
  }

  /** The handler's answer as a reply to send, or the error event when it is not a valid one. */
  #checked(answer: unknown, push: WechatPush, context: WechatPushContext, event: unknown): Outcome {
    try {
      const miniProgram = this.#options.miniProgram || context.format === 'json'
      return { reply: checkReply(answer, push, miniProgram) }
    } catch (thrown) {
      return this.#failed(thrown, push, event)
    }
  }

  /** A handler threw (or answered an invalid reply): log it, tell the error listeners, answer success. */
  #failed(thrown: unknown, push: WechatPush, event: unknown): Outcome {
    const error = thrown instanceof Error ? thrown : new WechatClientError(`a handler threw ${typeof thrown}`)
    const where = event !== undefined ? `event.${String(event)}` : push.MsgType
    const log = this.#options.logger.error ?? this.#options.logger.warn
    try {
      log.call(
        this.#options.logger,
        `@wxkit/core: the ${where} push handler failed; WeChat was answered success`,
        {
          error,
        },
      )
    } catch {}
    for (const listener of this.#errorListeners) {
      try {
        listener({ error, message: push })
      } catch {}
    }
    return { error }
  }

  #late(event: WechatLateReplyEvent): void {
    if (this.#lateListeners.length === 0) {
      this.#warn('@wxkit/core: a push handler replied after replyTimeoutMs and nothing listens to lateReply')
    }
    for (const listener of this.#lateListeners) {
      try {
        listener(event)
      } catch {}
    }
  }

  /** The reply in the request's format, encrypted and signed with the key that opened it. */
  #render(
    reply: WechatReply | undefined,
    push: WechatPush,
    format: 'xml' | 'json',
    crypto: WechatMessageCrypto | undefined,
  ): WechatPushResponse {
    if (reply === undefined || typeof reply === 'string') {
      if (reply === undefined) return textResponse(200, SUCCESS)
    }
    const now = this.#options.now()
    const fields = replyFields(
      typeof reply === 'string' ? { type: 'text', content: reply } : reply,
      push,
      now,
    )
    const serialize = (value: Record<string, unknown>) =>
      format === 'xml' ? buildPushXml(value) : JSON.stringify(value)
    let body = serialize(fields)
    if (crypto) {
      const Encrypt = crypto.encrypt(body)
      const TimeStamp = Math.floor(now / 1000)
      const Nonce = String(randomInt(100_000_000, 1_000_000_000))
      body = serialize({
        Encrypt,
        MsgSignature: crypto.signature(TimeStamp, Nonce, Encrypt),
        TimeStamp,
        Nonce,
      })
    }
    return { status: 200, headers: { 'content-type': format === 'xml' ? XML_TYPE : JSON_TYPE }, body }
  }

  #warn(message: string): void {
    try {
      this.#options.logger.warn(message)
    } catch {}
  }
}

/** A promise or any other object with a `then` method (what `await` would wait for). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** XML or JSON, chosen by the body itself (not a header), parsed; a refusal when it is neither. */
function parseBody(text: string): { format: 'xml' | 'json'; fields: Record<string, unknown> } {
  const first = text.trimStart()[0]
  if (first === '<') {
    const fields = parsePushXml(text)
    if (fields === 'doctype') throw new Refusal(400, 'DOCTYPE and entity declarations are refused')
    if (fields === 'malformed') throw new Refusal(400, 'malformed XML')
    return { format: 'xml', fields }
  }
  if (first === '{') {
    let parsed: unknown
    try {
      parsed = parsePushJson(text)
    } catch {
      throw new Refusal(400, 'malformed JSON')
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Refusal(400, 'malformed JSON')
    return { format: 'json', fields: parsed as Record<string, unknown> }
  }
  throw new Refusal(400, 'the body is neither XML nor JSON')
}
