import { createServer } from 'node:http'
import { inspect } from 'node:util'
import {
  DEFAULT_APP,
  DEFAULT_MERCHANT,
  type EmulatorNotification,
  PAY_PLATFORM_PUBLIC_KEY,
  type RunningEmulator,
} from '@wxkit/emulator'
import { WechatPay, type WechatPayConfig } from '@wxkit/pay'
import type { Express } from 'express'
import { afterAll } from 'vitest'
import { listenForTest } from '../../../../test-support/listen.js'
import { wechatPayHeaders } from '../../../../test-support/wechat-pay-signature.js'
import {
  type PayNotifyContext,
  type PayNotifyRoutesOptions,
  payNotifyRoutes,
  type WechatPayNotifyOptions,
} from '../../src/index.js'
import { startTestEmulator } from './emulator.js'
import type { ExpressVersion } from './express-versions.js'

/** Where every test order asks to be notified; the emulator is routed to the test's relay. */
export const NOTIFY_URL = 'https://shop.example/pay/notify'

/** The environment a README pay app reads its merchant from: the emulator's default merchant. */
export const PAY_ENV = {
  WECHAT_PAY_MCH_ID: DEFAULT_MERCHANT.mchid,
  WECHAT_PAY_SERIAL_NO: DEFAULT_MERCHANT.serialNo,
  WECHAT_PAY_PRIVATE_KEY: DEFAULT_MERCHANT.privateKey,
  WECHAT_PAY_API_V3_KEY: DEFAULT_MERCHANT.apiV3Key,
  WECHAT_PAY_PUBLIC_KEY_ID: PAY_PLATFORM_PUBLIC_KEY.publicKeyId,
  WECHAT_PAY_PUBLIC_KEY: PAY_PLATFORM_PUBLIC_KEY.publicKey,
}

/** A `WechatPay` for the emulator's default merchant (no retries: fault tests stay quick). */
export function payClient(emulator: RunningEmulator, overrides: Partial<WechatPayConfig> = {}): WechatPay {
  return new WechatPay({
    mchId: DEFAULT_MERCHANT.mchid,
    appId: DEFAULT_APP.appId,
    merchantSerialNo: DEFAULT_MERCHANT.serialNo,
    privateKey: DEFAULT_MERCHANT.privateKey,
    apiV3Key: DEFAULT_MERCHANT.apiV3Key,
    platform: PAY_PLATFORM_PUBLIC_KEY,
    baseURL: emulator.payBaseUrl,
    retry: { limit: 0 },
    ...overrides,
  })
}

/**
 * The emulator and a `WechatPay` for its default merchant, started once for the calling test file (await it
 * at the file's top level); the emulator closes after the file's last test.
 */
export async function startPayTestBed(): Promise<{ emulator: RunningEmulator; pay: WechatPay }> {
  const emulator = await startTestEmulator()
  afterAll(() => emulator.close())
  return { emulator, pay: payClient(emulator) }
}

let sequence = 0

/** Places a fresh ¥0.01 order for `o_payer`; its `out_trade_no`. */
export async function placeOrder(pay: WechatPay): Promise<string> {
  sequence += 1
  const out_trade_no = `N${process.pid}x${Date.now().toString(36)}x${sequence}`
  await pay.jsapiOrder({
    description: 'Green tea',
    out_trade_no,
    amount: { total: 1 },
    payer: { openid: 'o_payer' },
    notify_url: NOTIFY_URL,
  })
  return out_trade_no
}

/** The emulator's notifications for one order (payment first, then refunds). */
export async function notificationsOf(
  emulator: RunningEmulator,
  out_trade_no: string,
): Promise<EmulatorNotification[]> {
  return (await emulator.control.notifications()).filter((n) => n.out_trade_no === out_trade_no)
}

/** The statuses the emulator's attempts for one order's first notification were answered with. */
export async function attemptStatuses(emulator: RunningEmulator, out_trade_no: string): Promise<unknown[]> {
  const [first] = await notificationsOf(emulator, out_trade_no)
  return first?.attempts.map((attempt) => attempt.status ?? attempt.error) ?? []
}

/** One request the relay passed on: its exact headers and bytes, and how it was answered. */
export interface Relayed {
  headers: Record<string, string>
  body: Buffer
  /** What the relay answered (after `override`). */
  status: number
  /** Each target's own status and body, in target order. */
  answers: { status: number; body: string }[]
  /** How long the first target took to answer, in ms. */
  ms: number
}

/** A relay between the emulator and the shop's instances. */
export interface Relay {
  url: string
  received: Relayed[]
  /** Where requests go: all targets at once (copies arriving together), answered with the first's status. */
  targets: string[]
  /** Changes the status the relay answers (e.g. a lost acknowledgement); `index` counts requests. */
  override?: ((status: number, index: number) => number) | undefined
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

/** Starts a relay (closed after the test) that keeps what WeChat Pay sent, byte for byte. */
export async function startRelay(targets: string[] = []): Promise<Relay> {
  const relay: Relay = { url: '', received: [], targets }
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value
    }
    const started = Date.now()
    let ms = 0
    const answers = await Promise.all(
      relay.targets.map(async (target, position) => {
        try {
          const answer = await send(`${target}${req.url ?? '/'}`, { headers, body })
          if (position === 0) ms = Date.now() - started
          return answer
        } catch {
          return { status: 599, body: '' }
        }
      }),
    )
    const index = relay.received.length
    const first = answers[0] ?? { status: 502, body: '' }
    const status = relay.override?.(first.status, index) ?? first.status
    relay.received.push({ headers, body, status, answers, ms })
    res.writeHead(status).end()
  })
  relay.url = await listenForTest(server)
  return relay
}

/** POSTs `body` with `headers` to `url` as WeChat Pay does; the status and body of the answer. */
export async function send(
  url: string,
  request: { headers: Record<string, string>; body: Buffer | string },
): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body })
  return { status: response.status, body: await response.text() }
}

/**
 * The `Wechatpay-*` headers of `body` signed with the emulator's WeChat Pay public key's private half, as
 * WeChat Pay signs (for bodies the emulator would never send: malformed ones, stale timestamps).
 */
export function signAsWechatPay(body: string, timestampMs = Date.now()): Record<string, string> {
  return wechatPayHeaders(body, { timestampMs })
}

/** What a test shop saw: every handler run, log line and `onError` error. */
export interface ShopRecorder {
  runs: { kind: 'transaction' | 'refund'; resource: Record<string, unknown>; context: PayNotifyContext }[]
  logs: string[]
  errors: unknown[]
}

/** Handlers that record into a fresh recorder; `fail(run)` makes a run throw. */
export function recordingHandlers(fail: (run: number) => Error | undefined = () => undefined) {
  const recorder: ShopRecorder = { runs: [], logs: [], errors: [] }
  const options = {
    onTransaction: async (resource, context) => {
      recorder.runs.push({ kind: 'transaction', resource, context })
      const error = fail(recorder.runs.length)
      if (error) throw error
    },
    onRefund: async (resource, context) => {
      recorder.runs.push({ kind: 'refund', resource, context })
      const error = fail(recorder.runs.length)
      if (error) throw error
    },
    logger: {
      warn: (message, details) => recorder.logs.push(`warn ${message} ${inspect(details)}`),
      error: (message, details) => recorder.logs.push(`error ${message} ${inspect(details)}`),
    },
    onError: (error) => recorder.errors.push(error),
  } satisfies PayNotifyRoutesOptions & Partial<WechatPayNotifyOptions>
  return { recorder, options }
}

/** An Express app of `version` serving `payNotifyRoutes(pay, options)` at /pay/notify; its origin. */
export async function startShop(
  version: ExpressVersion,
  pay: WechatPay,
  options: PayNotifyRoutesOptions,
  before?: (app: Express) => void,
): Promise<string> {
  const app = version.express()
  before?.(app)
  app.use('/pay/notify', payNotifyRoutes(pay, options))
  app.use((_req, res) => {
    res.status(404).json({ fellThrough: true })
  })
  return listenForTest(createServer(app))
}
