import type { Wechat } from '@wxkit/core'
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express'
import { expectTypeOf, test } from 'vitest'
import {
  requireWechatUser,
  type WechatMiddlewareOptions,
  type WechatSession,
  type WechatUser,
  wechat,
  wechatErrorHandler,
} from '../src/index.js'

test('req.wechat is the Wechat client and req.wechatUser the optional identity', () => {
  const app = express()
  app.use(wechat({ config: { appId: 'wx', appSecret: 's' }, session: { secret: 'x'.repeat(32) } }))
  app.get('/', (req, res) => {
    expectTypeOf(req.wechat).toEqualTypeOf<Wechat>()
    expectTypeOf(req.wechatUser).toEqualTypeOf<WechatUser | undefined>()
    if (req.wechatUser) {
      expectTypeOf(req.wechatUser.openid).toBeString()
      expectTypeOf(req.wechatUser.source).toEqualTypeOf<'mini' | 'oauth'>()
      expectTypeOf(req.wechatUser.unionid).toEqualTypeOf<string | undefined>()
    }
    res.end()
  })
})

test('onLogin receives the identity and Express request and response', () => {
  expectTypeOf<NonNullable<WechatMiddlewareOptions['onLogin']>>().parameter(0).toEqualTypeOf<WechatUser>()
  expectTypeOf<NonNullable<WechatMiddlewareOptions['onLogin']>>().parameter(1).toEqualTypeOf<Request>()
})

test('session options are required and the scope is a closed set', () => {
  // @ts-expect-error session is required
  wechat({ config: { appId: 'wx', appSecret: 's' } })
  wechat({
    config: { appId: 'wx', appSecret: 's' },
    // @ts-expect-error snsapi_login is for website QR login, not the Official Account flow
    oauth: { scope: 'snsapi_login' },
    session: { secret: 'x'.repeat(32) },
  })
})

test('the guard is a request handler and the error handler a four-argument error handler', () => {
  const app = express()
  expectTypeOf(requireWechatUser()).toEqualTypeOf<RequestHandler>()
  expectTypeOf(wechatErrorHandler()).toEqualTypeOf<ErrorRequestHandler>()
  app.get('/orders', requireWechatUser({ source: 'oauth', redirectToLogin: true }), (_req, res) => res.end())
  app.use(wechatErrorHandler({ onError: (error, req) => void [error, req.path] }))
  // @ts-expect-error source is 'mini' or 'oauth'
  requireWechatUser({ source: 'web' })
})

test('req.wechatSession is the optional session, with decryptData, regenerate and destroy', () => {
  const app = express()
  app.get('/', async (req, res) => {
    expectTypeOf(req.wechatSession).toEqualTypeOf<WechatSession | undefined>()
    const session = req.wechatSession
    if (session) {
      expectTypeOf(session.id).toBeString()
      expectTypeOf(session.user).toEqualTypeOf<WechatUser>()
      expectTypeOf(session.source).toEqualTypeOf<'mini' | 'oauth'>()
      expectTypeOf(session.createdAt).toBeNumber()
      expectTypeOf(session.expiresAt).toBeNumber()
      expectTypeOf(session.decryptData<{ stepInfoList: unknown[] }>('data', 'iv')).toEqualTypeOf<{
        stepInfoList: unknown[]
      }>()
      expectTypeOf(session.regenerate()).toEqualTypeOf<Promise<string>>()
      expectTypeOf(session.destroy()).toEqualTypeOf<Promise<void>>()
      // @ts-expect-error the session_key is never a property
      session.sessionKey
    }
    res.end()
  })
})
