import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js'
import { jsApiSignature } from '../src/bridge/jsapi-signature.js'
import { DEFAULT_APP, startEmulator } from '../src/index.js'
import { payParams, placeOrder, tradeState } from './support/pay-requests.js'
import { receiver } from './support/push-receiver.js'

const skip = skipWithoutChromium('Bridge browser tests')

/** The real jweixin, as npm ships it (CommonJS: the page wraps it in a `module` object). */
const jweixinSource = readFileSync(createRequire(import.meta.url).resolve('weixin-js-sdk'), 'utf8')

type Emulator = Awaited<ReturnType<typeof startEmulator>>

/** A page of "the app", on its own origin, that loads the emulator's bridge and then jweixin. */
function startAppServer(emulatorUrl: string): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/jweixin.js') {
      response.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8' })
      response.end(jweixinSource)
      return
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html>
<html><head><meta charset="utf-8"><title>wxkit bridge test</title>
<script src="${emulatorUrl}/__wxkit/bridge.js"></script>
<script>var module = { exports: {} }</script>
<script src="/jweixin.js"></script>
<script>window.wx = module.exports</script>
</head><body><h1>app</h1></body></html>`)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url)
  return (await response.json()) as Record<string, unknown>
}

/** Fetches a jsapi_ticket from the emulator the way a server would: token, then getticket. */
async function fetchTicket(emulator: Emulator): Promise<string> {
  const token = await getJson(
    `${emulator.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`,
  )
  const ticket = await getJson(
    `${emulator.apiBaseUrl}/cgi-bin/ticket/getticket?access_token=${String(token.access_token)}&type=jsapi`,
  )
  expect(ticket.errcode).toBe(0)
  return String(ticket.ticket)
}

interface WxConfig {
  appId: string
  timestamp: number
  nonceStr: string
  signature: string
  jsApiList: string[]
}

/** What the page saw after `wx.config`: the `wx.error` result, if any, and whether `wx.ready` ran. */
interface ConfigOutcome {
  ready: boolean
  error: Record<string, unknown> | null
}

function sign(ticket: string, url: string, overrides: Partial<WxConfig> = {}): WxConfig {
  const timestamp = 1714037059
  const nonceStr = 'Wm3WZYTPz0wzccnW'
  return {
    appId: DEFAULT_APP.appId,
    timestamp,
    nonceStr,
    signature: jsApiSignature({ jsapiTicket: ticket, nonceStr, timestamp: String(timestamp), url }),
    jsApiList: ['getLocation', 'chooseImage', 'getLocalImgData', 'scanQRCode', 'checkJsApi'],
    ...overrides,
  }
}

/** Runs `wx.config` in the page and waits for `wx.ready` (which jweixin runs after `wx.error` on failure). */
function configure(page: Page, config: WxConfig): Promise<ConfigOutcome> {
  return page.evaluate(
    (cfg) =>
      new Promise<ConfigOutcome>((resolve) => {
        const wx = (globalThis as unknown as { wx: Record<string, (arg: unknown) => void> }).wx
        let error: Record<string, unknown> | null = null
        wx.config?.(cfg)
        wx.error?.((res: Record<string, unknown>) => {
          error = res
        })
        wx.ready?.(() => resolve({ ready: true, error }))
      }),
    config,
  )
}

/** Calls a `wx` API in the page and resolves with whatever callback jweixin ran first. */
function callApi(page: Page, name: string, args: Record<string, unknown> = {}) {
  return page.evaluate(
    ({ name, args }) =>
      new Promise<{ callback: string; res: Record<string, unknown> }>((resolve) => {
        const wx = (globalThis as unknown as { wx: Record<string, (arg: unknown) => void> }).wx
        wx[name]?.({
          ...args,
          success: (res: Record<string, unknown>) => resolve({ callback: 'success', res }),
          fail: (res: Record<string, unknown>) => resolve({ callback: 'fail', res }),
          cancel: (res: Record<string, unknown>) => resolve({ callback: 'cancel', res }),
        })
      }),
    { name, args },
  )
}

describe.skipIf(skip)('bridge.js with the real jweixin in Chromium', () => {
  let emulator: Emulator
  let appServer: Server
  let appOrigin: string
  let browser: Browser
  let ticket: string

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, host: '127.0.0.1' })
    appServer = await startAppServer(emulator.url)
    appOrigin = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`
    browser = await launchChromium()
    ticket = await fetchTicket(emulator)
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => appServer?.close(resolve))
    await emulator?.close()
  })

  async function openPage(path: string, userAgent?: string): Promise<Page> {
    const page = await browser.newPage(userAgent === undefined ? {} : { userAgent })
    await page.goto(`${appOrigin}${path}`)
    return page
  }

  it('makes jweixin run wx.ready and not wx.error for a correct signature', async () => {
    const page = await openPage('/shop/item?id=42')
    const outcome = await configure(page, sign(ticket, `${appOrigin}/shop/item?id=42`))
    expect(outcome).toEqual({ ready: true, error: null })
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/MicroMessenger\/\d+\.\d+\.\d+/)
    await page.close()
  })

  it('gives wx.error "config:invalid signature" for a wrong signature, with the URL it checked', async () => {
    const page = await openPage('/shop/item?id=42#/detail')
    const outcome = await configure(page, sign(ticket, `${appOrigin}/shop/item?id=43`))
    expect(outcome.error).toMatchObject({
      errMsg: 'config:invalid signature',
      realAuthUrl: `${appOrigin}/shop/item?id=42`,
    })
    const location = await callApi(page, 'getLocation')
    expect(location).toEqual({
      callback: 'fail',
      res: { errMsg: 'getLocation:the permission value is offline verifying' },
    })
    await page.close()
  })

  it('verifies a page whose query holds Chinese and percent-encoded text and whose route is in the hash', async () => {
    const raw = '/订单/详情?name=张三&city=%E6%B7%B1%E5%9C%B3&q=a%20b#/pay?step=2&备注=1'
    const page = await openPage(raw)
    // A server signs what the page sends it: location.href without the fragment, encoded as the browser has it.
    const signedUrl = new URL(raw, appOrigin).href.split('#')[0] ?? ''
    const pageUrl = () => (globalThis as unknown as { location: { href: string } }).location.href
    expect((await page.evaluate(pageUrl)).split('#')[0]).toBe(signedUrl)
    expect(await configure(page, sign(ticket, signedUrl))).toEqual({ ready: true, error: null })
    await page.close()
  })

  it('rejects a signature over the decoded URL of that page', async () => {
    const raw = '/订单?name=张三#/pay'
    const page = await openPage(raw)
    const outcome = await configure(page, sign(ticket, `${appOrigin}/订单?name=张三`))
    expect(outcome.error).toMatchObject({ errMsg: 'config:invalid signature' })
    await page.close()
  })

  it('answers getLocation after ready, and denies an API missing from jsApiList', async () => {
    const page = await openPage('/map')
    await configure(page, sign(ticket, `${appOrigin}/map`))
    const location = await callApi(page, 'getLocation', { type: 'wgs84' })
    expect(location.callback).toBe('success')
    expect(location.res).toMatchObject({ errMsg: 'getLocation:ok' })
    expect(location.res.latitude).toEqual(expect.any(Number))
    expect(location.res.longitude).toEqual(expect.any(Number))
    const network = await callApi(page, 'getNetworkType')
    expect(network).toEqual({ callback: 'fail', res: { errMsg: 'getNetworkType:fail' } })
    const denied = await callApi(page, 'openLocation', { latitude: 22.5, longitude: 113.9 })
    expect(denied).toEqual({ callback: 'fail', res: { errMsg: 'openLocation:permission denied' } })
    await page.close()
  })

  it('rejects an appId the emulator does not know', async () => {
    const page = await openPage('/')
    const outcome = await configure(page, sign(ticket, `${appOrigin}/`, { appId: 'wx00000000000000ff' }))
    expect(outcome.error).toMatchObject({ errMsg: 'config:invalid appid' })
    await page.close()
  })

  it('answers chooseImage with wxLocalResource ids whose data is a real image, and scanQRCode with a result', async () => {
    const page = await openPage('/upload')
    await configure(page, sign(ticket, `${appOrigin}/upload`))
    const chosen = await callApi(page, 'chooseImage', { count: 1 })
    expect(chosen.res.errMsg).toBe('chooseImage:ok')
    const localIds = chosen.res.localIds as string[]
    expect(localIds).toHaveLength(1)
    expect(localIds[0]).toMatch(/^wxLocalResource:\/\//)
    const data = await callApi(page, 'getLocalImgData', { localId: localIds[0] })
    expect(String(data.res.localData)).toMatch(/^data:image\/jpeg;base64,/)
    const scan = await callApi(page, 'scanQRCode', { needResult: 1 })
    expect(scan).toEqual({
      callback: 'success',
      res: { errMsg: 'scanQRCode:ok', resultStr: 'https://example.com/wxkit-emulator/scanned' },
    })
    const check = await callApi(page, 'checkJsApi', { jsApiList: ['getLocation', 'chooseWXPay', 'openCard'] })
    expect(check.res.checkResult).toEqual({ getLocation: true, chooseWXPay: true, openCard: false })
    await page.close()
  })

  it('runs an onMenuShareAppMessage handler when the user shares from the menu', async () => {
    const page = await openPage('/article/7')
    await configure(page, sign(ticket, `${appOrigin}/article/7`, { jsApiList: ['onMenuShareAppMessage'] }))
    const shared = await page.evaluate(
      () =>
        new Promise<unknown>((resolve) => {
          const w = globalThis as unknown as {
            wx: { onMenuShareAppMessage(options: object): void }
            wxkitBridge: { share(target: string): boolean }
          }
          w.wx.onMenuShareAppMessage({ title: '第七篇', desc: 'hello', success: resolve })
          w.wxkitBridge.share('appmessage')
        }),
    )
    expect(shared).toEqual({ errMsg: 'sendAppMessage:ok' })
    await page.close()
  })

  it('answers in the Android shapes jweixin parses when the user agent says Android', async () => {
    const android =
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36'
    const page = await openPage('/android', android)
    await configure(page, sign(ticket, `${appOrigin}/android`))
    const chosen = await callApi(page, 'chooseImage', { count: 1 })
    expect(chosen.res.localIds).toEqual([expect.stringMatching(/^wxLocalResource:\/\//)])
    // What the bridge itself answered: a JSON string, as Android WeChat sends it.
    const raw = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            wxkitBridge: { calls: { name: string; result: Record<string, unknown> }[] }
          }
        ).wxkitBridge.calls.find((call) => call.name === 'chooseImage')?.result.localIds,
    )
    expect(raw).toEqual(expect.any(String))
    const check = await callApi(page, 'checkJsApi', { jsApiList: ['getLocation'] })
    expect(check.res.checkResult).toEqual({ getLocation: true })
    await page.close()
  })

  it('answers scanQRCode in the iOS shape jweixin unwraps when the user agent says iPhone', async () => {
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'
    const page = await openPage('/ios', iphone)
    await configure(page, sign(ticket, `${appOrigin}/ios`))
    expect(await callApi(page, 'scanQRCode', { needResult: 1 })).toEqual({
      callback: 'success',
      res: { errMsg: 'scanQRCode:ok', resultStr: 'https://example.com/wxkit-emulator/scanned' },
    })
    await page.close()
  })

  it('asks for the scanned text with window.prompt only when promptScan is set', async () => {
    const page = await openPage('/scan')
    await configure(page, sign(ticket, `${appOrigin}/scan`))
    await page.evaluate(() => {
      ;(
        globalThis as unknown as { wxkitBridge: { options: { promptScan: boolean } } }
      ).wxkitBridge.options.promptScan = true
    })
    page.once('dialog', (dialog) => void dialog.accept('WX-ORDER-0042'))
    expect(await callApi(page, 'scanQRCode', { needResult: 1 })).toEqual({
      callback: 'success',
      res: { errMsg: 'scanQRCode:ok', resultStr: 'WX-ORDER-0042' },
    })
    page.once('dialog', (dialog) => void dialog.dismiss())
    expect(await callApi(page, 'scanQRCode', { needResult: 1 })).toEqual({
      callback: 'cancel',
      res: { errMsg: 'scanQRCode:cancel' },
    })
    await page.close()
  })
  /** A paid order's notify_url reaches a local shop; resolves with the order, its client parameters and the shop. */
  async function payableOrder() {
    const shop = await receiver(() => ({ status: 204, body: '' }))
    await emulator.control.routeNotifyUrl({ from: 'https://shop.example', to: new URL(shop.url).origin })
    const order = await placeOrder(emulator.payBaseUrl, DEFAULT_APP.appId)
    return { shop, order, params: payParams(DEFAULT_APP.appId, order.prepay_id) }
  }

  /** wx.chooseWXPay as a page calls it with pay.jsapiPayParams: jweixin names the field `timestamp`. */
  function chooseWXPay(page: Page, params: ReturnType<typeof payParams>) {
    const { timeStamp, ...rest } = params
    return callApi(page, 'chooseWXPay', { ...rest, timestamp: timeStamp })
  }

  it('pays wx.chooseWXPay with a valid paySign: success with chooseWXPay:ok, and the shop is notified', async () => {
    const { shop, order, params } = await payableOrder()
    const page = await openPage('/checkout')
    await configure(page, sign(ticket, `${appOrigin}/checkout`, { jsApiList: ['chooseWXPay'] }))
    expect(await chooseWXPay(page, params)).toEqual({
      callback: 'success',
      res: { errMsg: 'chooseWXPay:ok' },
    })
    expect(await tradeState(emulator.payBaseUrl, order.body.out_trade_no)).toBe('SUCCESS')
    expect(shop.received).toHaveLength(1)
    // What jweixin handed the bridge: the config's appId and the pay fields, timestamp renamed.
    const call = await page.evaluate(() =>
      (
        globalThis as unknown as {
          wxkitBridge: { calls: { name: string; params: Record<string, unknown>; result: unknown }[] }
        }
      ).wxkitBridge.calls.find((c) => c.name === 'getBrandWCPayRequest'),
    )
    expect(call?.params).toMatchObject({
      appId: DEFAULT_APP.appId,
      timeStamp: params.timeStamp,
      signType: 'RSA',
    })
    expect(call?.result).toEqual({ err_msg: 'get_brand_wcpay_request:ok' })
    await page.close()
  })

  it('calls fail for a wrong paySign and for a paid order, and leaves the order as it was', async () => {
    const { shop, order, params } = await payableOrder()
    const page = await openPage('/checkout')
    await configure(page, sign(ticket, `${appOrigin}/checkout`, { jsApiList: ['chooseWXPay'] }))
    const forged = { ...params, paySign: Buffer.alloc(256, 7).toString('base64') }
    expect(await chooseWXPay(page, forged)).toEqual({ callback: 'fail', res: { errMsg: 'chooseWXPay:fail' } })
    expect(await tradeState(emulator.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
    // jweixin drops err_desc; the bridge logs it and keeps it in wxkitBridge.calls.
    const reasons = await page.evaluate(() =>
      (
        globalThis as unknown as { wxkitBridge: { calls: { name: string; result: { err_desc?: string } }[] } }
      ).wxkitBridge.calls
        .filter((c) => c.name === 'getBrandWCPayRequest')
        .map((c) => c.result.err_desc),
    )
    expect(reasons).toEqual(['invalid paySign'])
    expect((await chooseWXPay(page, params)).callback).toBe('success')
    expect(await chooseWXPay(page, params)).toEqual({ callback: 'fail', res: { errMsg: 'chooseWXPay:fail' } })
    expect(shop.received).toHaveLength(1)
    await page.close()
  })

  it('calls cancel when the user closes the cashier (wxkitBridge.options.payResult)', async () => {
    const { order, params } = await payableOrder()
    const page = await openPage('/checkout')
    await configure(page, sign(ticket, `${appOrigin}/checkout`, { jsApiList: ['chooseWXPay'] }))
    await page.evaluate(() => {
      ;(
        globalThis as unknown as { wxkitBridge: { options: { payResult: string } } }
      ).wxkitBridge.options.payResult = 'cancel'
    })
    expect(await chooseWXPay(page, params)).toEqual({
      callback: 'cancel',
      res: { errMsg: 'chooseWXPay:cancel' },
    })
    expect(await tradeState(emulator.payBaseUrl, order.body.out_trade_no)).toBe('NOTPAY')
    await page.close()
  })

  it('denies wx.chooseWXPay when wx.config did not list it', async () => {
    const { params } = await payableOrder()
    const page = await openPage('/checkout')
    await configure(page, sign(ticket, `${appOrigin}/checkout`, { jsApiList: ['getLocation'] }))
    expect(await chooseWXPay(page, params)).toEqual({
      callback: 'fail',
      res: { errMsg: 'chooseWXPay:permission denied' },
    })
    await page.close()
  })

  it('pays through WeixinJSBridge.invoke("getBrandWCPayRequest") without wx.config, as WeChat Pay documents it', async () => {
    const { shop, order, params } = await payableOrder()
    const page = await openPage('/legacy-pay')
    const answer = await page.evaluate(
      (payParams) =>
        new Promise<unknown>((resolve) => {
          const bridge = (
            globalThis as unknown as {
              WeixinJSBridge: { invoke(name: string, params: unknown, cb: (res: unknown) => void): void }
            }
          ).WeixinJSBridge
          bridge.invoke('getBrandWCPayRequest', payParams, resolve)
        }),
      params,
    )
    expect(answer).toEqual({ err_msg: 'get_brand_wcpay_request:ok' })
    expect(await tradeState(emulator.payBaseUrl, order.body.out_trade_no)).toBe('SUCCESS')
    expect(shop.received).toHaveLength(1)
    await page.close()
  })
})
