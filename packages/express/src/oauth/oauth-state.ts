import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'
import type Keyv from 'keyv'
import { WechatRouteError } from '../errors.js'
import { readCookie, writeCookie } from '../http/cookies.js'
import type { ResolvedOptions } from '../options.js'
import { CookieSigner } from '../session/cookie-signer.js'

/** How long a login may take between `/oauth/login` and `/oauth/callback`. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000
const STATE_BYTES = 24
const STATE_PATTERN = /^[0-9a-f]{48}$/
const KEY_PREFIX = 'wxkit:express:oauth-state:'

/** What the store keeps per OAuth state. */
export interface OauthStateRecord {
  returnTo: string
  scope: 'snsapi_base' | 'snsapi_userinfo'
  createdAt: number
  /** sha256 of the code the state was redeemed with; set on first use. */
  usedWith?: string
}

/**
 * OAuth `state`: 192 random bits as hex (WeChat allows only `[a-zA-Z0-9]`, at most 128 bytes), bound to the
 * browser by a signed, HttpOnly cookie and recorded in the store for 10 minutes.
 *
 * A state is single use: redeeming it records the code it was redeemed with, and any later redemption with
 * another code is rejected. The same code may come back (WeChat sometimes delivers a callback twice); that
 * delivery is let through so the idempotent code exchange can sign the user in again.
 */
export class OauthStateStore {
  readonly #store: Keyv
  readonly #signer: CookieSigner
  readonly #cookieName: string

  constructor(options: ResolvedOptions['session']) {
    this.#store = options.store
    this.#signer = new CookieSigner(options.secrets)
    this.#cookieName = options.stateCookieName
  }

  /** Creates a state for a login, stores it and sets its cookie; returns the state for the authorize URL. */
  async create(
    req: Request,
    res: Response,
    details: Pick<OauthStateRecord, 'returnTo' | 'scope'>,
  ): Promise<string> {
    const state = randomBytes(STATE_BYTES).toString('hex')
    const record: OauthStateRecord = { ...details, createdAt: Date.now() }
    await this.#store.set(storeKey(state), record, OAUTH_STATE_TTL_MS)
    writeCookie(req, res, this.#cookieName, this.#signer.sign(state), OAUTH_STATE_TTL_MS)
    return state
  }

  /** Clears the state cookie when the request carries one (at logout: the login it bound is over). */
  clear(req: Request, res: Response): void {
    if (readCookie(req, this.#cookieName) !== undefined) writeCookie(req, res, this.#cookieName, '', 0)
  }

  /**
   * Checks `state` against the browser's cookie and the store and marks it used with `codeHash`.
   * @throws WechatRouteError `invalid_state` when the state is forged, expired, from another browser or
   * was already redeemed with another code.
   */
  async redeem(req: Request, state: string, codeHash: string): Promise<OauthStateRecord> {
    if (!STATE_PATTERN.test(state)) throw invalidState()
    const bound = this.#signer.unsign(readCookie(req, this.#cookieName))
    if (!bound || !STATE_PATTERN.test(bound) || !timingSafeEqual(Buffer.from(bound), Buffer.from(state))) {
      throw invalidState()
    }
    const key = storeKey(state)
    const record = (await this.#store.get(key)) as OauthStateRecord | undefined
    const age = record ? Date.now() - record.createdAt : Number.POSITIVE_INFINITY
    if (!record || !(age >= 0 && age < OAUTH_STATE_TTL_MS)) throw invalidState()
    if (record.usedWith !== undefined) {
      if (record.usedWith !== codeHash) throw invalidState()
      return record
    }
    await this.#store.set(key, { ...record, usedWith: codeHash }, OAUTH_STATE_TTL_MS - age)
    return record
  }
}

function invalidState(): WechatRouteError {
  return new WechatRouteError(
    'invalid_state',
    'The login state is invalid, expired or already used; start again',
  )
}

function storeKey(state: string): string {
  return KEY_PREFIX + createHash('sha256').update(state).digest('hex')
}
