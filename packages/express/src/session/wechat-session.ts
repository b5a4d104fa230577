import { inspect } from 'node:util'
import { decryptOpenData } from '@wxkit/core'
import type { Request, Response } from 'express'
import { WechatRouteError } from '../errors.js'
import type { WechatUser } from '../identity.js'
import { type LoadedSession, type SessionManager, sessionHandle } from './session-manager.js'

/**
 * The request's session, as `req.wechatSession` holds it: who is signed in, since when and until when,
 * plus what an app does with a session. The Mini Program `session_key` stays inside: `decryptData` uses
 * it on the server, and neither a property, `JSON.stringify` nor `util.inspect` shows it.
 */
export class WechatSession {
  /** A stable, non-secret name of the session (a hash of its id), e.g. for logs. Not a credential. */
  readonly id: string
  /** The signed-in identity (the same object as `req.wechatUser`). */
  readonly user: WechatUser
  /** How the user signed in. */
  readonly source: 'mini' | 'oauth'
  /** When the session started (ms since the epoch). */
  readonly createdAt: number
  /** When the session ends unless renewed by a new login (ms since the epoch). */
  readonly expiresAt: number
  readonly #loaded: LoadedSession
  readonly #sessions: SessionManager
  readonly #appId: string
  readonly #req: Request
  readonly #res: Response

  constructor(
    loaded: LoadedSession,
    context: { sessions: SessionManager; appId: string; ttl: number },
    req: Request,
    res: Response,
  ) {
    this.id = sessionHandle(loaded.id)
    this.user = loaded.record.user
    this.source = loaded.record.user.source
    this.createdAt = loaded.record.createdAt
    this.expiresAt = loaded.record.expiresAt ?? loaded.record.createdAt + context.ttl
    this.#loaded = loaded
    this.#sessions = context.sessions
    this.#appId = context.appId
    this.#req = req
    this.#res = res
  }

  /**
   * Decrypts Mini Program open data (`wx.getUserInfo`, `wx.getWeRunData`, …) with this session's stored
   * `session_key`, checks that the watermark names this app, and returns the data.
   * @throws WechatRouteError `invalid_request` for an H5 (OAuth) session, which has no session_key.
   * @throws WechatDecryptError (from `@wxkit/core`) when the data, iv or key do not fit (e.g. the data was
   * encrypted under a key an earlier `wx.login` replaced).
   */
  decryptData<T = Record<string, unknown>>(encryptedData: string, iv: string): T {
    const sessionKey = this.#loaded.record.sessionKey
    if (this.source !== 'mini' || sessionKey === undefined) {
      throw new WechatRouteError('invalid_request', 'Decrypting open data needs a Mini Program session')
    }
    return decryptOpenData<T>(this.#appId, sessionKey, encryptedData, iv)
  }

  /** Moves the session to a new id (same user and expiry) and sets the new cookie; resolves to the new token. */
  regenerate(): Promise<string> {
    return this.#sessions.regenerate(this.#req, this.#res, this.#loaded)
  }

  /** Ends every session the request presented and clears the cookie; `req.wechatUser` becomes undefined. */
  async destroy(): Promise<void> {
    await this.#sessions.destroy(this.#req, this.#res)
    this.#req.wechatUser = undefined
    this.#req.wechatSession = undefined
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
}
