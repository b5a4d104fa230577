import { randomBytes } from 'node:crypto'
import { Hono } from 'hono'
import type { MerchantRecord } from '../pay/merchants.js'
import { PayApiFailure } from '../pay/pay-failure.js'
import { transactionJson } from '../pay/pay-ledger.js'
import { refundJson } from '../pay/refund-ledger.js'
import type { EmulatorState } from '../state/emulator-state.js'

type Answer = { status: number; body?: unknown }

/** The mchid an `Authorization` header claims, before it is checked (to pick how the answer is signed). */
function claimedMchid(header: string | undefined): string | undefined {
  return /mchid="(\d{1,32})"/.exec(header ?? '')?.[1]
}

/**
 * The merchant API of WeChat Pay v3 (§16): every request's `Authorization` checked, every answer (errors
 * included) signed with the platform key in the merchant's mode, with a `Request-ID`.
 */
export function createPayApiRoutes(state: EmulatorState): Hono {
  const app = new Hono()
  const pay = state.pay

  app.all('/v3/*', async (c) => {
    const url = new URL(c.req.url)
    const pathWithQuery = url.pathname + url.search
    const header = c.req.header('authorization')
    const body = await c.req.text()
    let merchant: MerchantRecord | undefined = pay.merchants.get(claimedMchid(header) ?? '')
    let answer: Answer
    try {
      merchant = pay.auth.check(header, c.req.method, pathWithQuery, body, state.now())
      answer = route(state, merchant, c.req.method, url, body, c.req.header('content-type'))
    } catch (error) {
      if (!(error instanceof PayApiFailure)) throw error
      answer = { status: error.status, body: error.toBody() }
    }
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body)
    const signed = pay.signer.sign(merchant, text, state.now())
    return new Response(answer.status === 204 ? null : text, {
      status: answer.status,
      headers: {
        ...signed,
        'Request-ID': `08${randomBytes(16).toString('hex').toUpperCase()}`,
        ...(answer.status === 204 ? {} : { 'Content-Type': 'application/json; charset=utf-8' }),
      },
    })
  })

  return app
}

function jsonBody(text: string, contentType: string | undefined): Record<string, unknown> {
  if (!/^application\/json\b/i.test(contentType ?? ''))
    throw new PayApiFailure(400, 'PARAM_ERROR', 'Content-Type 须为 application/json')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new PayApiFailure(400, 'PARAM_ERROR', '请求体不是合法的 JSON')
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new PayApiFailure(400, 'PARAM_ERROR', '请求体须为 JSON 对象')
  return parsed as Record<string, unknown>
}

function queryMchid(url: URL, merchant: MerchantRecord): void {
  if (url.searchParams.get('mchid') !== merchant.mchid)
    throw new PayApiFailure(400, 'PARAM_ERROR', 'mchid 缺失或与请求头中的商户号不一致')
}

function route(
  state: EmulatorState,
  merchant: MerchantRecord,
  method: string,
  url: URL,
  text: string,
  contentType: string | undefined,
): Answer {
  const pay = state.pay
  const now = state.now()
  const path = url.pathname
  const param = (pattern: RegExp): string | undefined => {
    const hit = pattern.exec(path)?.[1]
    try {
      return hit === undefined ? undefined : decodeURIComponent(hit)
    } catch {
      return undefined
    }
  }
  const queryNo = param(/^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)$/)
  const transactionId = param(/^\/v3\/pay\/transactions\/id\/([^/]+)$/)
  const closeNo = param(/^\/v3\/pay\/transactions\/out-trade-no\/([^/]+)\/close$/)
  const refundNo = param(/^\/v3\/refund\/domestic\/refunds\/([^/]+)$/)
  if (method === 'POST' && path === '/v3/pay/transactions/jsapi') {
    const order = pay.ledger.createJsapi(
      merchant,
      jsonBody(text, contentType),
      (id) => state.apps.has(id),
      now,
    )
    return { status: 200, body: { prepay_id: order.prepay_id } }
  }
  if (method === 'GET' && queryNo !== undefined) {
    queryMchid(url, merchant)
    return {
      status: 200,
      body: transactionJson(pay.ledger.byOutTradeNo(merchant.mchid, queryNo)),
    }
  }
  if (method === 'GET' && transactionId !== undefined) {
    queryMchid(url, merchant)
    return {
      status: 200,
      body: transactionJson(pay.ledger.byTransactionId(merchant.mchid, transactionId)),
    }
  }
  if (method === 'POST' && closeNo !== undefined) {
    const body = jsonBody(text, contentType)
    if (body.mchid !== merchant.mchid)
      throw new PayApiFailure(400, 'PARAM_ERROR', 'mchid 与请求头中的商户号不一致')
    pay.ledger.close(pay.ledger.byOutTradeNo(merchant.mchid, closeNo))
    return { status: 204 }
  }
  if (method === 'POST' && path === '/v3/refund/domestic/refunds') {
    return { status: 200, body: refundJson(pay.refunds.refund(merchant, jsonBody(text, contentType), now)) }
  }
  if (method === 'GET' && refundNo !== undefined) {
    return {
      status: 200,
      body: refundJson(pay.refunds.refundByNo(merchant.mchid, refundNo)),
    }
  }
  if (method === 'GET' && path === '/v3/certificates') {
    return { status: 200, body: { data: pay.signer.list(merchant) } }
  }
  throw new PayApiFailure(404, 'NOT_FOUND', '请求的资源不存在')
}
