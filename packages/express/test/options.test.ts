import { DEFAULT_APP } from '@wxkit/emulator'
import Keyv from 'keyv'
import { describe, expect, it } from 'vitest'
import { type WechatMiddlewareOptions, wechat } from '../src/index.js'
import { SESSION_SECRET } from './support/app-harness.js'
import { emulatorClient } from './support/emulator.js'

const config = { appId: DEFAULT_APP.appId, appSecret: DEFAULT_APP.appSecret }
const session = { secret: SESSION_SECRET }

/** Builds the middleware with deliberately wrong options (typed loosely on purpose). */
function build(options: unknown) {
  return () => wechat(options as WechatMiddlewareOptions)
}

describe('wechat() options', () => {
  it('returns a named middleware for valid options', () => {
    const middleware = wechat({ config, session })
    expect(typeof middleware).toBe('function')
    expect(middleware.name).toBe('wechatMiddleware')
  })

  it('accepts a ready client, every option and false for each route group', () => {
    const client = emulatorClient({
      apiBaseUrl: 'http://127.0.0.1:9',
      oauthBaseUrl: 'http://127.0.0.1:9',
    } as never)
    expect(() =>
      wechat({
        client,
        prefix: '/wx/',
        jssdk: {
          allowedOrigins: ['https://example.com', 'http://localhost:3000'],
          jsApiList: ['chooseImage'],
        },
        miniProgram: {},
        oauth: {
          scope: 'snsapi_userinfo',
          defaultReturnTo: '/account',
          redirectUri: 'https://example.com/cb',
        },
        session: {
          secret: [SESSION_SECRET, `${SESSION_SECRET}-old`],
          cookieName: 'sid',
          ttl: 60_000,
          store: new Keyv(),
        },
        onLogin: () => {},
        onError: () => {},
        bodyLimit: 1024,
      }),
    ).not.toThrow()
    expect(() =>
      wechat({ config, jssdk: false, miniProgram: false, oauth: false, prefix: '', session }),
    ).not.toThrow()
  })

  it.each([
    ['options', undefined],
    ['options', 'yes'],
    ['client', { session }],
    ['client', { client: {}, session }],
    [
      'client',
      {
        client: emulatorClient({ apiBaseUrl: 'http://x', oauthBaseUrl: 'http://x' } as never),
        config,
        session,
      },
    ],
    ['config', { config: 'wx123', session }],
    ['config.appId', { config: { appId: '', appSecret: '' }, session }],
    ['config.baseURL', { config: { ...config, baseURL: 'api.weixin.qq.com' }, session }],
    ['prefix', { config, session, prefix: 'wechat' }],
    ['prefix', { config, session, prefix: '/we chat' }],
    ['prefix', { config, session, prefix: '/wechat?x=1' }],
    ['prefix', { config, session, prefix: 42 }],
    ['jssdk', { config, session, jssdk: true }],
    ['jssdk.allowedOrigins', { config, session, jssdk: { allowedOrigins: [] } }],
    ['jssdk.allowedOrigins', { config, session, jssdk: { allowedOrigins: 'https://example.com' } }],
    ['jssdk.allowedOrigins[0]', { config, session, jssdk: { allowedOrigins: ['example.com'] } }],
    [
      'jssdk.allowedOrigins[1]',
      { config, session, jssdk: { allowedOrigins: ['https://a.com', 'https://b.com/path'] } },
    ],
    ['jssdk.allowedOrigins[0]', { config, session, jssdk: { allowedOrigins: ['ftp://example.com'] } }],
    ['jssdk.jsApiList', { config, session, jssdk: { jsApiList: [''] } }],
    ['jssdk.allowOrigins', { config, session, jssdk: { allowOrigins: ['https://a.com'] } }],
    ['miniProgram', { config, session, miniProgram: true }],
    ['oauth', { config, session, oauth: 'snsapi_base' }],
    ['oauth.scope', { config, session, oauth: { scope: 'snsapi_login' } }],
    ['oauth.defaultReturnTo', { config, session, oauth: { defaultReturnTo: 'https://evil.com' } }],
    ['oauth.defaultReturnTo', { config, session, oauth: { defaultReturnTo: '//evil.com' } }],
    ['oauth.redirectUri', { config, session, oauth: { redirectUri: '/wechat/oauth/callback' } }],
    ['session', { config }],
    ['session', { config, session: 'secret' }],
    ['session.secret', { config, session: {} }],
    ['session.secret', { config, session: { secret: 'short' } }],
    ['session.secret', { config, session: { secret: [] } }],
    ['session.secret[1]', { config, session: { secret: [SESSION_SECRET, 'short'] } }],
    ['session.cookieName', { config, session: { ...session, cookieName: 'bad name' } }],
    ['session.ttl', { config, session: { ...session, ttl: 10 } }],
    ['session.ttl', { config, session: { ...session, ttl: '7d' } }],
    ['session.store', { config, session: { ...session, store: new Map() } }],
    ['session.maxAge', { config, session: { ...session, maxAge: 1000 } }],
    ['onLogin', { config, session, onLogin: 'hook' }],
    ['onError', { config, session, onError: {} }],
    ['bodyLimit', { config, session, bodyLimit: 0 }],
    ['bodyLimit', { config, session, bodyLimit: 10_000_000 }],
    ['prefixx', { config, session, prefixx: '/wx' }],
  ])('rejects a bad "%s" at start-up, naming the package and the option', (option, options) => {
    expect(build(options)).toThrow(TypeError)
    expect(build(options)).toThrow(`@wxkit/express: option "${option}"`)
  })

  it('never echoes a secret in an option error', () => {
    let message = ''
    try {
      wechat({ config: { ...config, proxy: `not a proxy ${DEFAULT_APP.appSecret}` }, session })
    } catch (error) {
      message = String(error)
    }
    expect(message).toContain('@wxkit/express')
    expect(message).not.toContain(DEFAULT_APP.appSecret)
  })
})
