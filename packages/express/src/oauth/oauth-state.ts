import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'
import { WechatRouteError } from '../errors.js'
import {
  type CookieSettings,
  carriesCookie,
  readCookie,
  sessionCookieName,
  writeCookie,
} from '../http/cookies.js'
import type { ResolvedOptions } from '../option-types.js'
import { CookieSigner } from '../session/cookie-signer.js'

/** How long a login may take between `/oauth/login` and `/oauth/callback`. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000
const STATE_BYTES = 24
const STATE_PATTERN = /^[0-9a-f]{48}$/
const PAYLOAD_PATTERN = /^[A-Za-z0-9_-]{1,4096}$/

/** A login in progress, as the signed state cookie holds it. */
export interface PendingLogin {
  state: string
  returnTo: string
  scope: 'snsapi_base' | 'snsapi_userinfo'
  createdAt: number
  /** Set once the user refused consent: the state then redirects again but never redeems a code. */
  refused?: true
}

/**
 * OAuth `state`: 192 random bits as hex (WeChat allows only `[a-zA-Z0-9]`, at most 128 bytes), bound to the
 * browser by a signed, HttpOnly cookie that also carries the login's `returnTo`, scope and start time.
 *
 * Nothing is stored on the server until WeChat confirmed a code, so anonymous `/oauth/login` requests
 * create no server state at all (a flood of them costs nothing but CPU). Single use is enforced at the
 * callback by {@link StateClaims}.
 */
export class OauthStateCookie {
  readonly #signer: CookieSigner
  readonly #cookies: CookieSettings

  constructor(options: ResolvedOptions['session']) {
    this.#signer = new CookieSigner(options.secrets)
    this.#cookies = options
  }

  /** Starts a login: sets the state cookie and returns the state for the authorize URL. */
  create(req: Request, res: Response, details: Pick<PendingLogin, 'returnTo' | 'scope'>): string {
    const state = randomBytes(STATE_BYTES).toString('hex')
    this.#write(req, res, { state, ...details, createdAt: Date.now() }, OAUTH_STATE_TTL_MS)
    return state
  }

  /**
   * The login `state` belongs to, from this browser's cookie.
   * @throws WechatRouteError `invalid_state` when the state is forged, expired or from another browser.
   */
  read(req: Request, state: string): PendingLogin {
    if (!STATE_PATTERN.test(state)) throw invalidState()
    const signed = this.#signer.unsign(readCookie(req, this.#name(req)))
    const dot = signed?.indexOf('.') ?? -1
    if (!signed || dot !== 48) throw invalidState()
    const bound = signed.slice(0, dot)
    const payload = signed.slice(dot + 1)
    if (!timingSafeEqual(Buffer.from(bound), Buffer.from(state)) || !PAYLOAD_PATTERN.test(payload)) {
      throw invalidState()
    }
    let pending: PendingLogin
    try {
      pending = {
        state,
        ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as object),
      } as PendingLogin
    } catch {
      throw invalidState()
    }
    const age = Date.now() - Number(pending.createdAt)
    if (!(age >= 0 && age < OAUTH_STATE_TTL_MS) || typeof pending.returnTo !== 'string') throw invalidState()
    return pending
  }

  /** Records in the cookie that the user refused consent for this login. */
  markRefused(req: Request, res: Response, pending: PendingLogin): void {
    const left = OAUTH_STATE_TTL_MS - (Date.now() - pending.createdAt)
    this.#write(req, res, { ...pending, refused: true }, Math.max(1000, left))
  }

  /** Clears the state cookie when the request carries one (at logout: the login it bound is over). */
  clear(req: Request, res: Response): void {
    const name = this.#name(req)
    if (carriesCookie(req, name)) writeCookie(req, res, name, '', 0, this.#cookies.domain)
  }

  #write(req: Request, res: Response, pending: PendingLogin, maxAgeMs: number): void {
    const { state, ...rest } = pending
    const payload = Buffer.from(JSON.stringify(rest)).toString('base64url')
    writeCookie(
      req,
      res,
      this.#name(req),
      this.#signer.sign(`${state}.${payload}`),
      maxAgeMs,
      this.#cookies.domain,
    )
  }

  #name(req: Request): string {
    return `${sessionCookieName(req, this.#cookies)}.state`
  }
}

export function invalidState(): WechatRouteError {
  return new WechatRouteError(
    'invalid_state',
    'The login state is invalid, expired or already used; start again',
  )
}
