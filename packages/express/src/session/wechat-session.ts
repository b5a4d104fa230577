import { inspect } from 'node:util'
import { decryptOpenData } from '@wxkit/core'
import type { Request, Response } from 'express'
import type { WechatContextState } from '../context/context-state.js'
import { WechatRouteError } from '../errors.js'
import type { WechatUser } from '../identity.js'
import { endSessions } from './end-sessions.js'
import { type LoadedSession, sessionHandle } from './session-manager.js'

/**
 * The request's session, as `req.wechatSession` holds it: who is signed in, since when and until when,
 * plus what an app does with a session. The Mini Program `session_key` stays inside: `decryptData` uses
 * it on the server, and neither a property, `JSON.stringify` nor `util.inspect` shows it.
 *
 * @example
 * ```ts
 * app.post('/api/werun', requireWechatUser({ source: 'mini' }), express.json(), (req, res) => {
 *   res.json(req.wechatSession!.decryptData(req.body.encryptedData, req.body.iv)) // a bad one → 400
 * })
 * ```
 */
export class WechatSession {
  /** The signed-in identity (the same object as `req.wechatUser`). */
  readonly user: WechatUser
  /** How the user signed in. */
  readonly source: 'mini' | 'oauth'
  /** When the session started (ms since the epoch). */
  readonly createdAt: number
  /** When the session ends unless renewed by a new login (ms since the epoch). */
  readonly expiresAt: number
  #loaded: LoadedSession
  #ended = false
  readonly #context: WechatContextState
  readonly #req: Request
  readonly #res: Response

  constructor(loaded: LoadedSession, context: WechatContextState, req: Request, res: Response) {
    this.user = loaded.record.user
    this.source = loaded.record.user.source
    this.createdAt = loaded.record.createdAt
    this.expiresAt = loaded.record.expiresAt ?? loaded.record.createdAt + context.options.session.ttl
    this.#loaded = loaded
    this.#context = context
    this.#req = req
    this.#res = res
  }

  /**
   * A stable, non-secret name of the session (the sha256 under which the store keeps it), e.g. for logs
   * or to list a user's sessions. Not a credential; it changes with {@link WechatSession.regenerate}.
   */
  get id(): string {
    return sessionHandle(this.#loaded.id)
  }

  /**
   * Decrypts Mini Program open data (`wx.getWeRunData`, `wx.getUserInfo`, …) with this session's stored
   * `session_key`, checks that the watermark names this app, and returns the data. Each `/mini/login`
   * stores the key of that login, so data from before a later `wx.login` no longer decrypts.
   * @throws WechatRouteError `invalid_request` for an H5 (OAuth) session, which has no session_key, and
   * `unauthorized` once the session was destroyed or regenerated away.
   * @throws WechatDecryptError (from `@wxkit/core`; `wechatErrorHandler()` answers `400 invalid_request`)
   * when the data, iv or key do not fit, or the watermark names another app.
   */
  decryptData<T = Record<string, unknown>>(encryptedData: string, iv: string): T {
    this.#assertLive()
    const sessionKey = this.#loaded.record.sessionKey
    if (this.source !== 'mini' || sessionKey === undefined) {
      throw new WechatRouteError('invalid_request', 'Decrypting open data needs a Mini Program session')
    }
    return decryptOpenData<T>(this.#context.options.client.appId, sessionKey, encryptedData, iv)
  }

  /**
   * Moves the session to a new id (same user, data and expiry) and ends the old id, e.g. after a step-up
   * or a change of rights. The new cookie is set on the response; a Mini Program, which sends the token
   * as `Authorization: Bearer`, needs the resolved token sent back to it.
   * @throws WechatRouteError `unauthorized` when the session ended meanwhile (it is not brought back),
   * `store_unavailable` (503) when the store fails or is slower than `session.storeTimeoutMs`.
   */
  async regenerate(): Promise<string> {
    this.#assertLive()
    const moved = await this.#context.sessions.regenerate(this.#req, this.#res, this.#loaded)
    if (moved === undefined) {
      this.#end()
      throw ended()
    }
    this.#loaded = { id: moved.id, record: moved.record }
    return moved.token
  }

  /**
   * Signs the request out, as `POST /logout` does: ends every session it presented (and the OAuth login
   * each came from), clears the cookie, and sets `req.wechatUser` and `req.wechatSession` to `undefined`.
   * @throws WechatRouteError `store_unavailable` (503) when the store fails or is slow.
   */
  async destroy(): Promise<void> {
    await endSessions(this.#context, this.#req, this.#res)
    this.#end()
  }

  toJSON(): object {
    return {
      id: this.id,
      user: this.user,
      source: this.source,
      createdAt: this.createdAt,
      expiresAt: this.expiresAt,
    }
  }

  [inspect.custom](): string {
    return `WechatSession ${inspect(this.toJSON())}`
  }

  #end(): void {
    this.#ended = true
    if (this.#req.wechatSession === this) {
      this.#req.wechatSession = undefined
      this.#req.wechatUser = undefined
    }
  }

  #assertLive(): void {
    if (this.#ended) throw ended()
  }
}

function ended(): WechatRouteError {
  return new WechatRouteError('unauthorized', 'The session has ended; sign in again')
}
