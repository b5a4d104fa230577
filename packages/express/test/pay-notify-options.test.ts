import { createServer } from 'node:http'
import { inspect } from 'node:util'
import { DEFAULT_MERCHANT } from '@wxkit/emulator'
import type { WechatPay } from '@wxkit/pay'
import type { Express } from 'express'
import Keyv from 'keyv'
import { describe, expect, it, vi } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import { payNotifyRoutes, type WechatMiddlewareOptions, wechat } from '../src/index.js'
import { SESSION_SECRET } from './support/app-harness.js'
import { emulatorConfig } from './support/emulator.js'
import { EXPRESS_VERSIONS } from './support/express-versions.js'
import {
  NOTIFY_URL,
  placeOrder,
  recordingHandlers,
  send,
  signAsWechatPay,
  startPayTestBed,
  startRelay,
} from './support/pay-shop.js'

const { emulator, pay } = await startPayTestBed()

describe.each(EXPRESS_VERSIONS)('wechat({ pay }) on $name', (version) => {
  async function listen(app: Express): Promise<string> {
    return listenForTest(createServer(app))
  }

  it('mounts the notify route at {prefix}/pay/notify, on the session store by default', async () => {
    const { recorder, options } = recordingHandlers()
    const store = new Keyv({ store: new Map() })
    const app = version.express()
    app.use(
      wechat({
        config: emulatorConfig(emulator),
        session: { secret: SESSION_SECRET, store },
        prefix: '/wx',
        pay: { client: pay, ...options },
      }),
    )
    app.use((_req, res) => {
      res.status(404).json({ fellThrough: true })
    })
    const origin = await listen(app)
    const relay = await startRelay([origin])
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    // The order's notify_url path is /pay/notify; the relay sends it to the prefixed path.
    relay.targets = [`${origin}/wx`]
    const out_trade_no = await placeOrder(pay)
    await emulator.control.payOrder({ out_trade_no })
    expect(relay.received.at(-1)?.status).toBe(204)
    expect(recorder.runs).toHaveLength(1)
    expect([...(store.store as Map<string, unknown>).keys()].join()).toMatch(
      new RegExp(`pay-notify:${DEFAULT_MERCHANT.mchid}:`),
    )
    const get = await fetch(`${origin}/wx/pay/notify`)
    expect(get.status).toBe(405)
    expect(await get.json()).toEqual({ code: 'FAIL', message: expect.any(String) })
    expect((await fetch(`${origin}/wechat/pay/notify`, { method: 'POST' })).status).toBe(404)
  })

  it('leaves {prefix}/pay/notify to the app without pay', async () => {
    const app = version.express()
    app.use(wechat({ config: emulatorConfig(emulator), session: { secret: SESSION_SECRET } }))
    app.post('/wechat/pay/notify', (_req, res) => {
      res.json({ app: true })
    })
    const origin = await listen(app)
    expect(await (await fetch(`${origin}/wechat/pay/notify`, { method: 'POST' })).json()).toEqual({
      app: true,
    })
  })

  it('reports 5xx answers to wechat()’s onError and logger', async () => {
    const reported: unknown[] = []
    const warned: string[] = []
    const app = version.express()
    app.use(
      wechat({
        config: emulatorConfig(emulator),
        session: { secret: SESSION_SECRET },
        onError: (error) => reported.push(error),
        logger: { warn: (message: string) => warned.push(message) },
        pay: {
          client: pay,
          onTransaction: () => {
            throw new Error('out of stock')
          },
        },
      }),
    )
    const origin = await listen(app)
    const relay = await startRelay([origin])
    relay.targets = [`${origin}/wechat`]
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const out_trade_no = await placeOrder(pay)
    await emulator.control.payOrder({ out_trade_no })
    expect(relay.received.at(-1)?.status).toBe(500)
    expect(reported).toEqual([expect.objectContaining({ message: 'out of stock' })])
    expect(warned).toEqual([expect.stringMatching(/handler threw/)])
  })
})

describe('pay notify options', () => {
  const base = {
    config: { appId: 'wx5c0a0e1a7e570001', appSecret: 'x' },
    session: { secret: SESSION_SECRET },
  }
  const onTransaction = () => {}

  it.each([
    ['pay', 'yes'],
    ['pay.client', { onTransaction }],
    ['pay.client', { client: {}, onTransaction }],
    ['pay.onTransaction', { client: 'pay' }],
    ['pay.onTransaction', { client: 'pay', onTransaction: 'hook' }],
    ['pay.onRefund', { client: 'pay', onRefund: 42 }],
    ['pay.store', { client: 'pay', onTransaction, store: new Map() }],
    ['pay.lock', { client: 'pay', onTransaction, lock: {} }],
    ['pay.storeTimeoutMs', { client: 'pay', onTransaction, storeTimeoutMs: 0 }],
    ['pay.lockTtlMs', { client: 'pay', onTransaction, lockTtlMs: '5m' }],
    ['pay.lockWaitMs', { client: 'pay', onTransaction, lockWaitMs: -1 }],
    ['pay.doneTtlMs', { client: 'pay', onTransaction, doneTtlMs: 3_600_000 }],
    ['pay.bodyTimeoutMs', { client: 'pay', onTransaction, bodyTimeoutMs: 1.5 }],
    ['pay.logger', { client: 'pay', onTransaction, logger: {} }],
    ['pay.onError', { client: 'pay', onTransaction, onError: true }],
    ['pay.onTransation', { client: 'pay', onTransation: onTransaction }],
  ])('wechat() rejects a bad "%s" at start-up, naming the package and the option', (option, value) => {
    const payOption =
      typeof value === 'object' && value !== null && (value as { client?: unknown }).client === 'pay'
        ? { ...value, client: pay }
        : value
    const build = () => wechat({ ...base, pay: payOption } as unknown as WechatMiddlewareOptions)
    expect(build).toThrow(TypeError)
    expect(build).toThrow(`@wxkit/express: option "${option}"`)
  })

  it('payNotifyRoutes() checks its arguments at start-up too', () => {
    expect(() => payNotifyRoutes({} as WechatPay, { onTransaction })).toThrow(
      '@wxkit/express: payNotifyRoutes(pay) must be a WechatPay client from @wxkit/pay',
    )
    expect(() => payNotifyRoutes(pay, {})).toThrow('option "onTransaction" or option "onRefund" is required')
    expect(() => payNotifyRoutes(pay, undefined as never)).toThrow(/must be an object/)
    expect(payNotifyRoutes(pay, { onRefund: () => {} }).name).toBe('wechatPayNotifyRoutes')
  })

  it('warns at start-up about a shared store without a lock', () => {
    const warn = vi.fn()
    const shared = new Map<string, unknown>()
    const store = new Keyv({
      store: {
        get: async (key: string) => shared.get(key),
        set: async (key: string, value: unknown) => void shared.set(key, value),
        delete: async (key: string) => shared.delete(key),
        clear: async () => shared.clear(),
      },
    })
    payNotifyRoutes(pay, { onTransaction, store, logger: { warn } })
    payNotifyRoutes(pay, { onTransaction, logger: { warn } })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatch(/shared store but no lock/)
  })
})

describe('secrets of the notify route', () => {
  it('never show the APIv3 key or the private key in an answer, log line, onError error or inspect', async () => {
    const { recorder, options } = recordingHandlers((run) =>
      run === 1 ? new Error('first run fails') : undefined,
    )
    const app = EXPRESS_VERSIONS[0].express()
    const route = payNotifyRoutes(pay, { ...options, storeTimeoutMs: 50 })
    app.use('/pay/notify', route)
    const origin = await listenForTest(createServer(app))
    const relay = await startRelay([origin])
    await emulator.control.routeNotifyUrl({ from: NOTIFY_URL, to: relay.url })
    const out_trade_no = await placeOrder(pay)
    await emulator.control.payOrder({ out_trade_no }) // the handler throws: 500
    await emulator.control.advanceClock(15_000) // handled
    const [received] = relay.received
    if (!received) throw new Error('no notification arrived')
    const answers = relay.received.flatMap((relayed) => relayed.answers.map((answer) => answer.body))
    const url = `${origin}/pay/notify`
    const notJson = '{"id":'
    for (const request of [
      { headers: received.headers, body: `${received.body}x` },
      { headers: signAsWechatPay(notJson), body: notJson },
      {
        headers: signAsWechatPay('{"id":"N9","event_type":"TRANSACTION.SUCCESS","resource":{}}'),
        body: '{"id":"N9","event_type":"TRANSACTION.SUCCESS","resource":{}}',
      },
      { headers: received.headers, body: received.body },
    ]) {
      const answer = await send(url, request)
      answers.push(`${answer.status} ${answer.body}`)
    }
    await emulator.control.sendProbe(NOTIFY_URL)
    const everything = [
      ...answers,
      ...recorder.logs,
      ...recorder.errors.map((error) => inspect(error, { depth: 5 })),
      inspect(route, { depth: 5, showHidden: true }),
      inspect(pay, { depth: 5, showHidden: true }),
    ].join('\n')
    expect(recorder.runs).toHaveLength(2)
    expect(recorder.logs.join('\n')).toMatch(/first run fails/)
    const privateKeyBody = DEFAULT_MERCHANT.privateKey.split('\n')[2] as string
    for (const secret of [DEFAULT_MERCHANT.apiV3Key, privateKeyBody]) expect(everything).not.toContain(secret)
  })
})
