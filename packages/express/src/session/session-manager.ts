import { createHash, randomBytes } from 'node:crypto'
import type { Request, Response } from 'express'
import {
  type CookieSettings,
  carriesCookie,
  readCookie,
  sessionCookieName,
  writeCookie,
} from '../http/cookies.js'
import type { WechatUser } from '../identity.js'
import type { ResolvedOptions } from '../option-types.js'
import { CookieSigner } from './cookie-signer.js'
import type { StoreClient } from './store-client.js'

/** What the store keeps per session. The `session_key` of a Mini Program login lives here, never in a cookie. */
export interface SessionRecord {
  user: WechatUser
  /** The Mini Program `session_key` (for decrypting open data later); absent for OAuth logins. */
  sessionKey?: string
  /** When the session started (ms since the epoch). */
  createdAt: number
  /** When the session ends (ms since the epoch). */
  expiresAt?: number
  /** The OAuth exchange result this session came from, ended with the session (no replay after logout). */
  oauthExchange?: string
}

/** A session the request presented and the store still holds. */
export interface LoadedSession {
  /** The raw session id (secret: it is the cookie's content without the signature). */
  id: string
  record: SessionRecord
}

const KEY_PREFIX = 'wxkit:express:session:'
const SESSION_ID_BYTES = 32
const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/
/** A signed id is 43 + 1 + 43 characters; anything much longer is not ours. */
const MAX_TOKEN_LENGTH = 256
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i

/**
 * Sessions: a signed, HttpOnly, SameSite=Lax cookie holding only a random session id (256 bits); the record
 * lives in the store under a sha256 of the id, so a store dump yields no usable cookie.
 *
 * The same signed id is the session token: clients without a cookie jar (Mini Programs' `wx.request`) send
 * it back as `Authorization: Bearer <token>`. A bearer token that does not verify is ignored (it may be the
 * app's own), and the cookie is consulted instead.
 */
export class SessionManager {
  readonly #store: StoreClient
  readonly #signer: CookieSigner
  readonly #cookies: CookieSettings
  readonly #ttl: number

  constructor(options: ResolvedOptions['session'], store: StoreClient) {
    this.#store = store
    this.#signer = new CookieSigner(options.secrets)
    this.#cookies = options
    this.#ttl = options.ttl
  }

  /**
   * The session of the request, or `undefined` without a valid token or once the record expired. Answers
   * `undefined` itself, not a promise, when the request carries no valid session id: most requests (every
   * anonymous page view, every JS-SDK signature) then pay no store round trip and no extra promise.
   * @throws WechatRouteError `store_unavailable` (rejects) when the store fails or is slow.
   */
  load(req: Request): Promise<LoadedSession | undefined> | undefined {
    if (req.headers.authorization === undefined && req.headers.cookie === undefined) return undefined
    const id = this.#presented(req)[0]
    if (!id) return undefined
    return this.#store
      .get(storeKey(id))
      .then((record: unknown) => (isSessionRecord(record) ? { id, record } : undefined))
  }

  /**
   * Starts a fresh session for `user`: always a new id (no session fixation), every session the request
   * presented is ended first, and the cookie is set on `res` only once the store confirmed the record.
   * Resolves to the session token.
   */
  async start(
    req: Request,
    res: Response,
    user: WechatUser,
    extra: Pick<SessionRecord, 'sessionKey' | 'oauthExchange'> = {},
  ): Promise<string> {
    for (const previous of this.#presented(req)) await this.#store.delete(storeKey(previous))
    const createdAt = Date.now()
    const record = { user, createdAt, expiresAt: createdAt + this.#ttl, ...extra }
    return (await this.#issue(req, res, record, this.#ttl)).token
  }

  /**
   * Moves `session` to a new id (the record as the store holds it now), ending the old id, and sets the
   * cookie. Resolves to the new session, and `undefined` when the session ended meanwhile (a logout in
   * another tab): an ended session is never brought back.
   */
  async regenerate(
    req: Request,
    res: Response,
    session: LoadedSession,
  ): Promise<(LoadedSession & { token: string }) | undefined> {
    const record = await this.#store.get(storeKey(session.id))
    if (!isSessionRecord(record)) return undefined
    await this.#store.delete(storeKey(session.id))
    const left = (record.expiresAt ?? record.createdAt + this.#ttl) - Date.now()
    const { id, token } = await this.#issue(req, res, record, Math.max(1000, left))
    return { id, record, token }
  }

  /**
   * Ends every session the request presented (bearer token and cookie alike) and clears the cookie when the
   * request carried one (so a cross-site form, which SameSite=Lax sends without the cookie, clears
   * nothing). Resolves to the records that were ended.
   */
  async destroy(req: Request, res: Response): Promise<SessionRecord[]> {
    const ended: SessionRecord[] = []
    for (const id of this.#presented(req)) {
      const stored = await this.#store.get(storeKey(id))
      if (isSessionRecord(stored)) ended.push(stored)
      await this.#store.delete(storeKey(id))
    }
    const name = sessionCookieName(req, this.#cookies)
    if (carriesCookie(req, name)) {
      writeCookie(req, res, name, '', 0, this.#cookies.domain)
    }
    return ended
  }

  async #issue(
    req: Request,
    res: Response,
    record: SessionRecord,
    ttl: number,
  ): Promise<{ id: string; token: string }> {
    const id = randomBytes(SESSION_ID_BYTES).toString('base64url')
    await this.#store.set(storeKey(id), record, ttl)
    const token = this.#signer.sign(id)
    writeCookie(req, res, sessionCookieName(req, this.#cookies), token, ttl, this.#cookies.domain)
    return { id, token }
  }

  /** The verified session ids the request presents: the bearer token's first, then the cookie's. */
  #presented(req: Request): string[] {
    const ids: string[] = []
    const bearer = this.#verify(bearerToken(req))
    if (bearer) ids.push(bearer)
    const cookie = this.#verify(readCookie(req, sessionCookieName(req, this.#cookies)))
    if (cookie && cookie !== bearer) ids.push(cookie)
    return ids
  }

  #verify(token: string | undefined): string | undefined {
    if (!token || token.length > MAX_TOKEN_LENGTH) return undefined
    const id = this.#signer.unsign(token)
    return id && SESSION_ID_PATTERN.test(id) ? id : undefined
  }
}

/** A public, non-secret name for a session id: the hex sha256 under which the store keeps it. */
export function sessionHandle(id: string): string {
  return createHash('sha256').update(id).digest('hex')
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization
  return header ? BEARER.exec(header)?.[1] : undefined
}

function storeKey(id: string): string {
  return KEY_PREFIX + sessionHandle(id)
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
