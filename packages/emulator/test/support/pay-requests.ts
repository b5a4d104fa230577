import { createPrivateKey, createPublicKey, createSign, createVerify, randomBytes } from 'node:crypto'
import { DEFAULT_MERCHANT, PAY_PLATFORM_PUBLIC_KEY } from '../../src/index.js'

const merchantKey = createPrivateKey(DEFAULT_MERCHANT.privateKey)

/** The `Authorization` header of §16.1, with every part overridable to forge a bad one. */
export function authorization(
  method: string,
  pathWithQuery: string,
  body: string,
  parts: Partial<Record<'mchid' | 'nonce_str' | 'timestamp' | 'serial_no' | 'signature', string>> = {},
): string {
  const timestamp = parts.timestamp ?? String(Math.floor(Date.now() / 1000))
  const nonce = parts.nonce_str ?? randomBytes(16).toString('hex')
  const signature =
    parts.signature ??
    createSign('RSA-SHA256')
      .update(`${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`)
      .sign(merchantKey, 'base64')
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${parts.mchid ?? DEFAULT_MERCHANT.mchid}",nonce_str="${nonce}",` +
    `signature="${signature}",timestamp="${timestamp}",serial_no="${parts.serial_no ?? DEFAULT_MERCHANT.serialNo}"`
  )
}

/** A request to the emulator's merchant API signed as the default merchant. */
export async function payFetch(
  base: string,
  method: string,
  pathWithQuery: string,
  json?: unknown,
  parts: Parameters<typeof authorization>[3] = {},
): Promise<{ status: number; headers: Headers; text: string; body: Record<string, unknown> | undefined }> {
  const body = json === undefined ? '' : JSON.stringify(json)
  const response = await fetch(base + pathWithQuery, {
    method,
    headers: {
      Authorization: authorization(method, pathWithQuery, body, parts),
      Accept: 'application/json',
      ...(body ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body ? { body } : {}),
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  }
}

/** Whether an answer's (or notification's) signature verifies with the emulated WeChat Pay public key. */
export function signedByPlatform(headers: Headers | Record<string, unknown>, body: string | Buffer): boolean {
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined)
  if (get('wechatpay-serial') !== PAY_PLATFORM_PUBLIC_KEY.publicKeyId) return false
  return createVerify('RSA-SHA256')
    .update(`${get('wechatpay-timestamp')}\n${get('wechatpay-nonce')}\n${body}\n`)
    .verify(createPublicKey(PAY_PLATFORM_PUBLIC_KEY.publicKey), get('wechatpay-signature') ?? '', 'base64')
}

/** A valid JSAPI order body for the default merchant and app. */
export function jsapiBody(appid: string, overrides: Record<string, unknown> = {}) {
  return {
    appid,
    mchid: DEFAULT_MERCHANT.mchid,
    description: 'Tea',
    out_trade_no: `E${randomBytes(6).toString('hex')}`,
    notify_url: 'https://shop.example/notify',
    amount: { total: 1, currency: 'CNY' },
    payer: { openid: 'o_emu' },
    ...overrides,
  }
}

/** `paySign` as §16.3 defines it, with the default merchant's key unless another is given. */
export function paySign(
  values: { appId: string; timeStamp: string; nonceStr: string; package: string },
  privateKey: string = DEFAULT_MERCHANT.privateKey,
): string {
  return createSign('RSA-SHA256')
    .update(`${values.appId}\n${values.timeStamp}\n${values.nonceStr}\n${values.package}\n`)
    .sign(createPrivateKey(privateKey), 'base64')
}

/** The client parameters of a prepay_id (what `pay.jsapiPayParams` returns), signed as the default merchant. */
export function payParams(appId: string, prepayId: string) {
  const values = {
    appId,
    timeStamp: String(Math.floor(Date.now() / 1000)),
    nonceStr: randomBytes(16).toString('hex'),
    package: `prepay_id=${prepayId}`,
  }
  return { ...values, signType: 'RSA', paySign: paySign(values) }
}

/** Places a JSAPI order for the default merchant and app; resolves with its body and prepay_id. */
export async function placeOrder(base: string, appid: string, overrides: Record<string, unknown> = {}) {
  const body = jsapiBody(appid, overrides)
  const answer = await payFetch(base, 'POST', '/v3/pay/transactions/jsapi', body)
  if (answer.status !== 200) throw new Error(`order refused: ${answer.text}`)
  return { body, prepay_id: String(answer.body?.prepay_id) }
}

/** The order's `trade_state`, queried as the default merchant. */
export async function tradeState(base: string, outTradeNo: string): Promise<unknown> {
  const answer = await payFetch(
    base,
    'GET',
    `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${DEFAULT_MERCHANT.mchid}`,
  )
  return answer.body?.trade_state
}
