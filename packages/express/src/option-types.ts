import type { Wechat, WechatConfig, WechatLock, WechatLogger, WechatMessageServer } from '@wxkit/core'
import type { Request, Response } from 'express'
import type Keyv from 'keyv'
import type { WechatUser } from './identity.js'
import type { WechatPayNotifyOptions } from './pay/pay-notify-options.js'
import type { PayNotifyRoute } from './pay/pay-notify-route.js'

/** Options of the JS-SDK config route (`GET {prefix}/jssdk/config`). */
export interface WechatJsSdkOptions {
  /**
   * Origins (`https://shop.example.com`) whose pages may be signed. A URL from any other origin gets
   * `403 url_not_allowed`, so the server is not a signing oracle for other sites.
   * @default the request's own origin (honouring Express's `trust proxy` for `X-Forwarded-Proto/Host`)
   */
  allowedOrigins?: string[] | undefined
  /** Sent back as `jsApiList` in the config, ready to spread into `wx.config`. */
  jsApiList?: string[] | undefined
}

/** Options of the H5 OAuth routes (`GET {prefix}/oauth/login`, `GET {prefix}/oauth/callback`). */
export interface WechatOauthOptions {
  /**
   * The scope asked for when `/oauth/login` gets no `scope` parameter. `snsapi_userinfo` shows a consent
   * page and adds `nickname` and `avatar` to the identity.
   * @default 'snsapi_base'
   */
  scope?: 'snsapi_base' | 'snsapi_userinfo' | undefined
  /**
   * Where the callback redirects when `returnTo` is missing or unsafe. Must itself be a same-origin path.
   * @default '/'
   */
  defaultReturnTo?: string | undefined
  /**
   * The absolute callback URL registered with WeChat.
   * @default the request's own origin + mount path + `{prefix}/oauth/callback`
   */
  redirectUri?: string | undefined
}

/** Session cookie and store options. */
export interface WechatSessionOptions {
  /**
   * Secret(s) that sign the session and OAuth state cookies, each at least 32 characters. For rotation pass
   * an array: the first signs, all verify.
   */
  secret: string | string[]
  /**
   * Name of the session cookie; the OAuth state cookie is named `${cookieName}.state`.
   * @default 'wxkit.sid'
   */
  cookieName?: string | undefined
  /**
   * Session lifetime in milliseconds (cookie `Max-Age` and store TTL).
   * @default 604_800_000 (7 days)
   */
  ttl?: number | undefined
  /**
   * Longest time in milliseconds one store operation may take; a slower or failing store makes the routes
   * that need it answer `503 store_unavailable`, and other requests carry on signed out.
   * @default 1000
   */
  storeTimeoutMs?: number | undefined
  /**
   * The cookie `Domain`, to share the session with subdomains. Without it the cookie is host-only, and on
   * https it is named `__Host-<cookieName>`, which a sibling subdomain cannot plant.
   */
  domain?: string | undefined
  /**
   * A cross-process lock (`createRedisLock()` of `@wxkit/redis`) that makes an OAuth state's single use
   * hold across instances sharing a store. Without it single use is exact within one process and a
   * best effort across processes.
   * @default `config.lock`, when the middleware builds the client
   */
  lock?: WechatLock | undefined
  /**
   * Where session records, OAuth states and OAuth exchange results live. Share a Redis-backed Keyv between
   * instances behind a load balancer.
   * @default the client's cache: `config.cache` (an in-memory Keyv when absent, shared with the client
   * that `config` builds) or the given client's `cache`; else an in-memory Keyv
   */
  store?: Keyv | undefined
}

/** Options of {@link wechat}. */
export interface WechatMiddlewareOptions {
  /** A ready `Wechat` client shared by all requests. Give either `client` or `config`. */
  client?: Wechat | undefined
  /** Configuration for one `Wechat` client that the middleware builds and shares. */
  config?: WechatConfig | undefined
  /**
   * The app's canonical origin (`https://shop.example.com`): the OAuth `redirect_uri` is built on it and
   * the JS-SDK route signs its pages (unless `jssdk.allowedOrigins` lists others), whatever `Host` a
   * request claims. Required in production (`NODE_ENV=production`) unless `jssdk.allowedOrigins` and
   * `oauth.redirectUri` cover what is on.
   * @default the request's own origin (development only)
   */
  publicUrl?: string | undefined
  /**
   * Receives the middleware's warnings (a store outage, once per outage; the development default for
   * `publicUrl`, once).
   * @default `config.logger` when given, else `console`
   */
  logger?: WechatLogger | undefined
  /**
   * Longest time in milliseconds a route waits for the request body; a slower body gets
   * `408 request_timeout`.
   * @default 10000
   */
  bodyTimeoutMs?: number | undefined
  /**
   * Path prefix of the routes. `''` mounts them at the root.
   * @default '/wechat'
   */
  prefix?: string | undefined
  /** The JS-SDK config route; `false` turns it off. @default {} */
  jssdk?: WechatJsSdkOptions | false | undefined
  /** The Mini Program login and phone routes (no options of their own yet); `false` turns them off. @default {} */
  miniProgram?: Record<string, never> | false | undefined
  /** The H5 OAuth login routes; `false` turns them off. @default {} */
  oauth?: WechatOauthOptions | false | undefined
  /**
   * WeChat's message push at `{prefix}/messages` (the URL entered in the console): a
   * `WechatMessageServer` of `@wxkit/core` with its handlers. Off unless given; see `messageRoutes()`.
   */
  messages?: WechatMessageServer | false | undefined
  /**
   * WeChat Pay's notifications at `{prefix}/pay/notify` (the `notify_url` of your orders): the
   * `WechatPay` client of `@wxkit/pay` and the handlers, each notification handled once (in the session
   * store, with `session.lock` across instances, unless `pay.store` / `pay.lock` say otherwise). Off unless
   * given; see `payNotifyRoutes()`.
   */
  pay?: WechatPayNotifyOptions | false | undefined
  /** Session options; `secret` is required. */
  session: WechatSessionOptions
  /**
   * Called after WeChat confirmed a login and before the session starts (`req.wechatUser` is already set).
   * Throwing fails the login with `500 internal_error`; sending a response yourself ends the route there.
   */
  onLogin?: ((identity: WechatUser, req: Request, res: Response) => void | Promise<void>) | undefined
  /**
   * Called with every error that the routes answer with a 5xx status, for logging. The error carries no
   * secret (errors of `@wxkit/core` are redacted by construction).
   */
  onError?: ((error: unknown, req: Request) => void) | undefined
  /**
   * Largest accepted JSON body in bytes; larger bodies get `413 payload_too_large`.
   * @default 8192
   */
  bodyLimit?: number | undefined
}

/** The options after validation, with every default filled in. */
export interface ResolvedOptions {
  client: Wechat
  publicUrl: string | undefined
  logger: WechatLogger
  bodyTimeoutMs: number
  prefix: string
  jssdk: { allowedOrigins: string[] | undefined; jsApiList: string[] | undefined } | false
  miniProgram: boolean
  oauth:
    | { scope: 'snsapi_base' | 'snsapi_userinfo'; defaultReturnTo: string; redirectUri: string | undefined }
    | false
  messages: WechatMessageServer | false
  pay: PayNotifyRoute | false
  session: {
    secrets: string[]
    /** The session cookie's name on http, and on https when `domain` or `cookieName` is set. */
    cookieName: string
    /** The session cookie's name on https (`__Host-wxkit.sid` by default). */
    secureCookieName: string
    ttl: number
    store: Keyv
    storeTimeoutMs: number
    domain: string | undefined
    lock: WechatLock | undefined
  }
  onLogin: WechatMiddlewareOptions['onLogin']
  onError: WechatMiddlewareOptions['onError']
  bodyLimit: number
}
