import { type ResolvedPayConfig, resolvePayConfig, type WechatPayConfig } from './config.js'
import { createPayNonce } from './crypto/nonce.js'
import { signSha256Rsa } from './crypto/rsa-signature.js'
import { WechatPayResponseError, WechatPayValidationError } from './errors.js'
import { parsePayNotification } from './notification.js'
import { PlatformKeys, type StoredCertificate } from './platform-keys.js'
import { type PayCall, PayTransport } from './transport.js'
import type { NotificationInput, PayNotification } from './types/notification.js'
import type { Refund, RefundRequest } from './types/refund.js'
import type {
  JsapiOrderRequest,
  JsapiOrderResponse,
  JsapiPayParams,
  Transaction,
} from './types/transaction.js'
import {
  checkJsapiOrder,
  checkOutRefundNo,
  checkOutTradeNo,
  checkRefund,
  checkTransactionId,
} from './validate.js'

/** The argument of {@link WechatPay.request}: a `/v3/…` path without query, `query` and `json` apart. */
export type PayRequestOptions = Omit<PayCall, 'idempotent'>

/** Per-call options. */
export interface PayCallOptions {
  signal?: AbortSignal | undefined
}

/**
 * A WeChat Pay API v3 client for JSAPI and Mini Program payments. Every request is signed, every answer's
 * signature verified before it is used, keys and the APIv3 key stay in private fields (never in errors,
 * logs or `util.inspect`).
 *
 * Order creation, closing and refunds are never retried by the client: after a timeout, call again with the
 * same `out_trade_no` / `out_refund_no` and the same body. WeChat Pay deduplicates by that number, so the
 * retry answers the first call's `prepay_id` or refund instead of charging twice.
 *
 * @example
 * ```ts
 * const pay = new WechatPay({ mchId, appId, merchantSerialNo, privateKey, apiV3Key,
 *   platform: { publicKeyId: 'PUB_KEY_ID_…', publicKey } })
 * const { prepay_id } = await pay.jsapiOrder({ description: 'Tea', out_trade_no: 'T1001',
 *   amount: { total: 1 }, payer: { openid }, notify_url: 'https://example.com/wechat/pay/notify' })
 * res.json(pay.jsapiPayParams(prepay_id)) // → wx.requestPayment / wx.chooseWXPay
 * ```
 */
export class WechatPay {
  readonly #config: ResolvedPayConfig
  readonly #transport: PayTransport
  readonly #keys: PlatformKeys

  constructor(config: WechatPayConfig) {
    this.#config = resolvePayConfig(config)
    this.#transport = new PayTransport(this.#config)
    this.#keys = new PlatformKeys(this.#config, (verify) =>
      this.#transport.json({ method: 'GET', path: '/v3/certificates', idempotent: true }, verify),
    )
  }

  /** The merchant id. */
  get mchId(): string {
    return this.#config.mchId
  }

  /** The default AppID. */
  get appId(): string {
    return this.#config.appId
  }

  /** `POST /v3/pay/transactions/jsapi`: creates an order for `wx.requestPayment` / `wx.chooseWXPay`. */
  async jsapiOrder(order: JsapiOrderRequest, options: PayCallOptions = {}): Promise<JsapiOrderResponse> {
    checkJsapiOrder(order)
    const { appid, ...rest } = order
    const answer = await this.#call<JsapiOrderResponse>({
      method: 'POST',
      path: '/v3/pay/transactions/jsapi',
      json: {
        ...rest,
        appid: appid ?? this.#config.appId,
        mchid: this.#config.mchId,
        amount: { total: order.amount.total, currency: order.amount.currency ?? 'CNY' },
      },
      idempotent: false,
      signal: options.signal,
    })
    if (typeof answer?.prepay_id !== 'string' || answer.prepay_id === '')
      throw new WechatPayResponseError('no prepay_id', { endpoint: '/v3/pay/transactions/jsapi' })
    return answer
  }

  /**
   * The client parameters for a prepay id, signed with the merchant key: pass them to
   * `wx.requestPayment` (Mini Program), `wx.chooseWXPay` or `getBrandWCPayRequest` (H5). `appId` must be
   * the order's.
   */
  jsapiPayParams(prepayId: string, options: { appId?: string | undefined } = {}): JsapiPayParams {
    if (typeof prepayId !== 'string' || !/^[\w-]{1,64}$/.test(prepayId))
      throw new WechatPayValidationError('prepayId', 'must be the prepay_id jsapiOrder answered')
    const appId = options.appId ?? this.#config.appId
    if (typeof appId !== 'string' || appId === '')
      throw new WechatPayValidationError('appId', 'must be a string')
    const timeStamp = String(Math.floor(this.#config.now() / 1000))
    const nonceStr = createPayNonce(32)
    const pkg = `prepay_id=${prepayId}`
    const paySign = signSha256Rsa(`${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`, this.#config.privateKey)
    return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign }
  }

  /** `GET /v3/pay/transactions/out-trade-no/{…}` or `/id/{…}`: the order's state. Retried when transient. */
  async queryOrder(
    by: { out_trade_no: string } | { transaction_id: string },
    options: PayCallOptions = {},
  ): Promise<Transaction> {
    const path =
      'out_trade_no' in by && by.out_trade_no !== undefined
        ? `/v3/pay/transactions/out-trade-no/${checkOutTradeNo(by.out_trade_no)}`
        : `/v3/pay/transactions/id/${checkTransactionId((by as { transaction_id?: unknown })?.transaction_id)}`
    return this.#call<Transaction>({
      method: 'GET',
      path,
      query: { mchid: this.#config.mchId },
      idempotent: true,
      signal: options.signal,
    })
  }

  /** `POST /v3/pay/transactions/out-trade-no/{…}/close`: no further payment of the order. */
  async closeOrder(outTradeNo: string, options: PayCallOptions = {}): Promise<void> {
    checkOutTradeNo(outTradeNo)
    await this.#call<void>({
      method: 'POST',
      path: `/v3/pay/transactions/out-trade-no/${outTradeNo}/close`,
      json: { mchid: this.#config.mchId },
      idempotent: false,
      signal: options.signal,
    })
  }

  /** `POST /v3/refund/domestic/refunds`. Never retried blindly; repeat with the same `out_refund_no`. */
  async refund(request: RefundRequest, options: PayCallOptions = {}): Promise<Refund> {
    checkRefund(request)
    return this.#call<Refund>({
      method: 'POST',
      path: '/v3/refund/domestic/refunds',
      json: { ...request, amount: { ...request.amount, currency: request.amount.currency ?? 'CNY' } },
      idempotent: false,
      signal: options.signal,
    })
  }

  /** `GET /v3/refund/domestic/refunds/{out_refund_no}`. */
  async queryRefund(outRefundNo: string, options: PayCallOptions = {}): Promise<Refund> {
    checkOutRefundNo(outRefundNo)
    return this.#call<Refund>({
      method: 'GET',
      path: `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
      idempotent: true,
      signal: options.signal,
    })
  }

  /**
   * Verifies a notification's signature over the exact raw body (before anything else), refuses
   * `WECHATPAY/SIGNTEST/` probes and stale timestamps, then decrypts the resource with the APIv3 key.
   * Throws `WechatPayVerificationError` for a bad signature, `WechatPayResponseError` for a verified body
   * that cannot be used.
   */
  async parseNotification(input: NotificationInput): Promise<PayNotification> {
    return parsePayNotification(input, this.#keys, this.#config.apiV3Key)
  }

  /** Any other v3 endpoint, signed and verified. GETs are retried when transient, nothing else. */
  async request<T = unknown>(options: PayRequestOptions): Promise<T> {
    const { method, path, query, json, signal } = options ?? ({} as PayRequestOptions)
    if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
      throw new WechatPayValidationError('method', 'must be GET, POST, PUT, PATCH or DELETE')
    if (typeof path !== 'string' || !/^\/v3\/[\w\-./]*$/.test(path) || path.includes('..'))
      throw new WechatPayValidationError('path', 'must be a /v3/ path without query (pass query separately)')
    return this.#call<T>({ method, path, query, json, idempotent: method === 'GET', signal })
  }

  /** Downloads the platform certificates now (certificate mode, or a migration) and stores them. */
  async refreshCertificates(): Promise<
    Pick<StoredCertificate, 'serial_no' | 'effective_time' | 'expire_time'>[]
  > {
    return (await this.#keys.refresh()).map(({ serial_no, effective_time, expire_time }) => ({
      serial_no,
      effective_time,
      expire_time,
    }))
  }

  #call<T>(call: PayCall): Promise<T> {
    return this.#transport.json<T>(call, (headers, bytes, endpoint) =>
      this.#keys.verify(headers, bytes, endpoint),
    )
  }
}
