import { createHash, randomBytes } from 'node:crypto'
import type { Request, Response } from 'express'
import type Keyv from 'keyv'
import { readCookie, writeCookie } from '../http/cookies.js'
import type { WechatUser } from '../identity.js'
import type { ResolvedOptions } from '../options.js'
import { CookieSigner } from './cookie-signer.js'

/** What the store keeps per session. The `session_key` of a Mini Program login lives here, never in a cookie. */
export interface SessionRecord {
  user: WechatUser
  /** The Mini Program `session_key` (for decrypting open data later); absent for OAuth logins. */
  sessionKey?: string
  /** When the session started (ms since the epoch). */
  createdAt: number
  /** The OAuth exchange result this session came from, ended with the session (no replay after logout). */
  oauthExchange?: string
}

const KEY_PREFIX = 'wxkit:express:session:'
const SESSION_ID_BYTES = 32
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/
/** A signed id is 43 + 1 + 43 characters; anything much longer is not ours. */
const MAX_TOKEN_LENGTH = 256
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i

/**
 * Sessions: a signed, HttpOnly, SameSite=Lax cookie holding only a random session id (256 bits); the record
 * lives in the Keyv store under a sha256 of the id, so a store dump yields no usable cookie.
 *
 * The same signed id is the session token: clients without a cookie jar (Mini Programs' `wx.request`) send
 * it back as `Authorization: Bearer <token>`. A bearer token that does not verify is ignored (it may be the
 * app's own), and the cookie is consulted instead.
 */
export class SessionManager {
  readonly #store: Keyv
  readonly #signer: CookieSigner
  readonly #cookieName: string
  readonly #ttl: number

  constructor(options: ResolvedOptions['session']) {
    this.#store = options.store
    this.#signer = new CookieSigner(options.secrets)
    this.#cookieName = options.cookieName
    this.#ttl = options.ttl
  }

  /**
   * The session record of the request, or `undefined` without a valid cookie or once the record expired.
   * Answers `undefined` itself, not a promise, when the request carries no valid session id: most
   * requests (every anonymous page view, every JS-SDK signature) then pay no store round trip and no
   * extra promise.
   */
  load(req: Request): Promise<SessionRecord | undefined> | undefined {
    const id = this.#sessionId(req)
    if (!id) return undefined
    return this.#store
      .get(storeKey(id))
      .then((record: unknown) => (isSessionRecord(record) ? record : undefined))
  }

  /**
   * Starts a fresh session for `user`: always a new id (no session fixation), the previous session of the
   * request is destroyed, and the cookie is set on `res`.
   */
  async start(
    req: Request,
    res: Response,
    user: WechatUser,
    extra: Pick<SessionRecord, 'sessionKey' | 'oauthExchange'> = {},
  ): Promise<string> {
    const previous = this.#sessionId(req)
    if (previous) await this.#store.delete(storeKey(previous))
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url')
    const record: SessionRecord = { user, createdAt: Date.now(), ...extra }
    await this.#store.set(storeKey(id), record, this.#ttl)
    const token = this.#signer.sign(id)
    writeCookie(req, res, this.#cookieName, token, this.#ttl)
    return token
  }

  /**
   * Ends the session of the request on the server (the record is deleted) and clears the cookie when the
   * request carried one (so a cross-site form, which SameSite=Lax sends without the cookie, clears nothing).
   */
  async destroy(req: Request, res: Response): Promise<SessionRecord | undefined> {
    const id = this.#sessionId(req)
    let record: SessionRecord | undefined
    if (id) {
      const stored = (await this.#store.get(storeKey(id))) as unknown
      record = isSessionRecord(stored) ? stored : undefined
      await this.#store.delete(storeKey(id))
    }
    if (readCookie(req, this.#cookieName) !== undefined) writeCookie(req, res, this.#cookieName, '', 0)
    return record
  }

  #sessionId(req: Request): string | undefined {
    return this.#verify(bearerToken(req)) ?? this.#verify(readCookie(req, this.#cookieName))
  }

  #verify(token: string | undefined): string | undefined {
    if (!token || token.length > MAX_TOKEN_LENGTH) return undefined
    const id = this.#signer.unsign(token)
    return id && SESSION_ID_PATTERN.test(id) ? id : undefined
  }
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
function bearerToken(req: Request): string | undefined {
  const header = req.get('Authorization')
  return header ? BEARER.exec(header)?.[1] : undefined
}

function storeKey(id: string): string {
  return KEY_PREFIX + createHash('sha256').update(id).digest('hex')
}

function isSessionRecord(value: unknown): value is SessionRecord {
  if (typeof value !== 'object' || value === null) return false
  const user = (value as { user?: unknown }).user
  return (
    typeof user === 'object' &&
    user !== null &&
    typeof (user as WechatUser).openid === 'string' &&
    ((user as WechatUser).source === 'mini' || (user as WechatUser).source === 'oauth')
  )
}
