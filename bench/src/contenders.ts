import { createRequire } from 'node:module'
import { Wechat } from '@wxkit/core'
import { DEFAULT_APP } from '@wxkit/emulator'
import type CoWechatApi from 'co-wechat-api'
import type * as NodeEasywechat from 'node-easywechat'
import type { CacheInterface } from 'node-easywechat'
import type * as WechatJssdk from 'wechat-jssdk'

const require = createRequire(import.meta.url)

export const PAGE = 'https://example.com/shop/item?id=42'

/** One library, driven the way its README says, pointed at the emulator. */
export interface Contender {
  name: string
  /** Sign one JS-SDK config for PAGE (fetching token and ticket when needed). */
  config(): Promise<unknown>
  /**
   * Get a fresh jsapi_ticket, which presents the cached access_token: after `revokeTokens()` this is
   * the call that meets a 40001 and must recover.
   */
  refetchTicket(): Promise<unknown>
  /** Caveats shown next to the figures. */
  notes: string[]
}

export type ContenderName = 'wxkit' | 'co-wechat-api' | 'wechat-jssdk' | 'node-easywechat'
export const CONTENDERS: ContenderName[] = ['wxkit', 'co-wechat-api', 'wechat-jssdk', 'node-easywechat']

export function createContender(name: ContenderName, apiBaseUrl: string): Contender {
  const { appId, appSecret } = DEFAULT_APP
  switch (name) {
    case 'wxkit': {
      const client = new Wechat({ appId, appSecret, baseURL: apiBaseUrl })
      return {
        name: '@wxkit/core',
        config: () => client.getJsSdkConfig(PAGE),
        refetchTicket: () => client.getJsTicket({ reload: true }),
        notes: [],
      }
    }
    case 'co-wechat-api': {
      const API = require('co-wechat-api') as typeof CoWechatApi
      const api = new API(appId, appSecret)
      // Every endpoint is built from this instance property; overriding it is enough.
      api.prefix = `${apiBaseUrl}/cgi-bin/`
      return {
        name: 'co-wechat-api',
        config: () => api.getJsConfig({ url: PAGE, jsApiList: [] }),
        refetchTicket: () => api.getTicket('jsapi'),
        notes: ['classic `GET /cgi-bin/token`; host overridden through the `prefix` instance property'],
      }
    }
    case 'wechat-jssdk': {
      const { JSSDK, Store } = require('wechat-jssdk') as typeof WechatJssdk
      const sdk = new JSSDK({
        appId,
        appSecret,
        wechatRedirectUrl: 'https://example.com/oauth',
        accessTokenUrl: `${apiBaseUrl}/cgi-bin/token`,
        ticketUrl: `${apiBaseUrl}/cgi-bin/ticket/getticket`,
        store: new Store({ noInterval: true }),
        clearCountInterval: 2 ** 30,
      })
      return {
        name: 'wechat-jssdk',
        config: () => sdk.getSignature(PAGE),
        // Its only way to a new ticket: fetch a new token, then a ticket (no 40001 handling anywhere).
        refetchTicket: () => sdk.getGlobalTokenAndTicket(true),
        notes: [
          'warm calls return the signature cached per URL (same nonce and timestamp for hours), no new signing',
          'no 40001 handling: its refresh always fetches a new token first',
          'host overridden through the `accessTokenUrl` / `ticketUrl` options',
        ],
      }
    }
    case 'node-easywechat': {
      const { OfficialAccount } = require('node-easywechat') as typeof NodeEasywechat
      const app = new OfficialAccount({
        app_id: appId,
        secret: appSecret,
        token: 'bench',
        aes_key: '',
        use_stable_access_token: true,
        http: { baseURL: `${apiBaseUrl}/` },
      })
      app.setCache(new MemoryCache())
      const client = app.getClient()
      return {
        name: 'node-easywechat',
        config: () => app.getUtils().buildJsSdkConfig(PAGE, []),
        refetchTicket: async () => {
          const response = await client.get('/cgi-bin/ticket/getticket', { params: { type: 'jsapi' } })
          const body = response.toObject() as { errcode?: number; ticket?: string }
          if (!body.ticket) throw new Error(`getticket failed: errcode ${body.errcode}`)
          return body.ticket
        },
        notes: [
          'stable token mode; host overridden through the `http.baseURL` option',
          'in-memory cache supplied (its default is a file cache)',
          'loads only with node-socialite pinned to 1.4.1 (a pnpm override): 1.5 dropped a file it requires',
        ],
      }
    }
  }
}

/** node-easywechat's cache contract, in memory (its default writes files). */
class MemoryCache implements CacheInterface {
  readonly #entries = new Map<string, { data: unknown; expiresAt: number }>()

  async get(key: string): Promise<unknown> {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key)
      return undefined
    }
    return entry.data
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined
  }

  async set(key: string, data?: unknown, lifetime = 7200): Promise<boolean> {
    this.#entries.set(key, { data, expiresAt: Date.now() + lifetime * 1000 })
    return true
  }

  async delete(key: string): Promise<boolean> {
    return this.#entries.delete(key)
  }
}
