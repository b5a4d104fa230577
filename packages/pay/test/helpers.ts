import { generateKeyPairSync } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  DEFAULT_APP,
  DEFAULT_MERCHANT,
  type EmulatorOptions,
  PAY_PLATFORM_PUBLIC_KEY,
  type RunningEmulator,
  startEmulator,
} from '@wxkit/emulator'
import { afterEach } from 'vitest'
import {
  createPayNonce,
  type NotificationInput,
  responseMessage,
  signSha256Rsa,
  WechatPay,
  type WechatPayConfig,
} from '../src/index.js'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup().catch(() => {})))
})

/** Run `cleanup` after the current test. */
export function onCleanup(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup)
}

/** A fresh emulator, closed after the test. */
export async function emulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emu = await startEmulator(options)
  onCleanup(() => emu.close())
  return emu
}

/** The default merchant's settings for `WechatPay`. */
export const MERCHANT = {
  mchId: DEFAULT_MERCHANT.mchid,
  appId: DEFAULT_APP.appId,
  merchantSerialNo: DEFAULT_MERCHANT.serialNo,
  privateKey: DEFAULT_MERCHANT.privateKey,
  apiV3Key: DEFAULT_MERCHANT.apiV3Key,
  platform: PAY_PLATFORM_PUBLIC_KEY,
} satisfies WechatPayConfig

/** A client for the default merchant against `emu`. */
export function payClient(emu: RunningEmulator, overrides: Partial<WechatPayConfig> = {}): WechatPay {
  return new WechatPay({ ...MERCHANT, baseURL: emu.payBaseUrl, retry: { delayMs: 10 }, ...overrides })
}

/** A valid order; `out_trade_no` unique per call unless given. */
let sequence = 0
export function order(overrides: Record<string, unknown> = {}) {
  sequence += 1
  return {
    description: 'Green tea',
    out_trade_no: `T${process.pid}x${Date.now()}x${sequence}`,
    amount: { total: 1 },
    payer: { openid: 'o_payer' },
    notify_url: 'https://shop.example/wechat/pay/notify',
    ...overrides,
  }
}

/** How often the emulator saw `path`. */
export async function calls(emu: RunningEmulator, path: string): Promise<number> {
  return (await emu.control.counters()).calls[path] ?? 0
}

/** A request a notify server received, byte for byte. */
export interface Received {
  headers: IncomingHttpHeaders
  body: Buffer
}

/**
 * A plain HTTP server standing in for the merchant's notify_url (the emulator is routed to it); answers
 * with `status()` and keeps every request's exact bytes.
 */
export async function notifyServer(status: () => number = () => 204) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) })
      res.writeHead(status()).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(() => new Promise((resolve) => server.close(resolve)))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { received, url }
}

/**
 * A proxy between client and emulator that may rewrite answers (a hostile network): `mutate` gets the
 * status, headers and body of each answer and returns what to send instead.
 */
export async function tamperingProxy(
  target: string,
  mutate: (answer: { status: number; headers: Headers; body: Buffer }) => {
    status: number
    headers: Headers
    body: Buffer
  },
) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string' && name !== 'host' && name !== 'connection') headers.set(name, value)
    const upstream = await fetch(target + (req.url ?? '/'), {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    })
    const answer = mutate({
      status: upstream.status,
      headers: upstream.headers,
      body: Buffer.from(await upstream.arrayBuffer()),
    })
    const out: Record<string, string> = {}
    for (const [name, value] of answer.headers)
      if (name !== 'content-length' && name !== 'content-encoding' && name !== 'transfer-encoding')
        out[name] = value
    res.writeHead(answer.status, out).end(answer.body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  onCleanup(() => new Promise((resolve) => server.close(resolve)))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

/** Resolves once `check()` is true; fails after `ms` (generous: a loaded machine). */
export async function until(check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * A WeChat Pay public key of the test's own, for bodies the emulator never sends (malformed notifications,
 * odd headers): `config` makes a client trust it, `sign()` signs a body as WeChat Pay would (§16.2).
 */
export function ownPlatformKey() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const publicKeyId = 'PUB_KEY_ID_0000000000000000000000000000000042'
  return {
    publicKeyId,
    config: { platform: { publicKeyId, publicKey } } satisfies Partial<WechatPayConfig>,
    /** `body` with signed headers; `headers` replaces any of them (a signed timestamp of your choice). */
    sign(
      body: string | Uint8Array,
      headers: { timestamp?: string; nonce?: string; serial?: string } = {},
    ): NotificationInput & { headers: Record<string, string> } {
      const timestamp = headers.timestamp ?? String(Math.floor(Date.now() / 1000))
      const nonce = headers.nonce ?? createPayNonce()
      return {
        headers: {
          'wechatpay-timestamp': timestamp,
          'wechatpay-nonce': nonce,
          'wechatpay-signature': signSha256Rsa(responseMessage(timestamp, nonce, body), privateKey),
          'wechatpay-serial': headers.serial ?? publicKeyId,
        },
        body,
      }
    },
  }
}
