import type { DemoPayAvailability, DemoPayOrder, DemoPayOrderCreated } from '../shared/pay-order.js'
import { byTestId } from './dom.js'
import type { WxStatus } from './status.js'
import { wx } from './wx.js'

/** The card's state, mirrored on `data-pay-state` for people and tests alike. */
type PayState =
  | 'idle'
  | 'ordering'
  | 'paying'
  | 'confirming'
  | 'paid'
  | 'cancelled'
  | 'failed'
  | 'unconfirmed'

/** How often and how long the page asks the server whether WeChat Pay's notification came. */
const POLL_MS = 1000
const POLL_TRIES = 30

let availability: DemoPayAvailability | undefined
let signedIn = false
let wxReady = false
let busy = false

/**
 * Wires the "Pay ¥0.01" card: the server orders (its fixed amount, the session's openid), the page pays
 * with `wx.chooseWXPay`, and the card says "paid" only when the server says so, which it learns from WeChat
 * Pay's notification alone: the page's own success callback proves nothing.
 */
export function setUpPay(): void {
  byTestId('pay-button').addEventListener('click', () => void payOnce())
  document.addEventListener('wechat-user', (event) => {
    // The openid, or null when signed out (CustomEvent turns an undefined detail into null).
    signedIn = typeof (event as CustomEvent<string | null>).detail === 'string'
    refresh()
  })
  document.addEventListener('wx-status', (event) => {
    wxReady = (event as CustomEvent<WxStatus>).detail === 'ready'
    refresh()
  })
  void fetch('/demo/pay', { cache: 'no-store' })
    .then(async (response) => (response.ok ? ((await response.json()) as DemoPayAvailability) : undefined))
    .catch(() => undefined)
    .then((answer) => {
      availability = answer ?? { enabled: false, amount: 1, reason: 'The server could not be reached.' }
      refresh()
    })
}

/** The note and the button for what is known now: the merchant, the session, `wx.config`. */
function refresh(): void {
  const note = byTestId('pay-note')
  const button = byTestId<HTMLButtonElement>('pay-button')
  let reason: string | undefined
  if (availability === undefined) reason = 'Checking whether WeChat Pay is configured…'
  else if (!availability.enabled) reason = availability.reason ?? 'WeChat Pay is not configured.'
  else if (!signedIn) reason = 'Sign in with WeChat first: the order is placed for your openid.'
  else if (!wxReady) reason = 'Waiting for wx.config: chooseWXPay needs a verified page.'
  note.textContent =
    reason ??
    'The server orders ¥0.01 for you; WeChat Pay tells the server when it is paid, and this card asks the server.'
  button.disabled = reason !== undefined || busy
  button.classList.toggle('weui-btn_disabled', button.disabled)
}

async function payOnce(): Promise<void> {
  busy = true
  refresh()
  try {
    await pay()
  } finally {
    busy = false
    refresh()
  }
}

async function pay(): Promise<void> {
  show('ordering', 'Ordering ¥0.01…')
  let created: DemoPayOrderCreated
  try {
    const response = await fetch('/demo/pay/orders', { method: 'POST', cache: 'no-store' })
    const body = (await response.json().catch(() => undefined)) as
      | (DemoPayOrderCreated & { error?: { message?: string } })
      | undefined
    if (!response.ok || body?.payParams === undefined) {
      show('failed', body?.error?.message ?? `The server answered HTTP ${response.status}.`)
      return
    }
    created = body
  } catch {
    show('failed', 'The server could not be reached.')
    return
  }

  const { out_trade_no } = created.order
  show('paying', `Order ${out_trade_no}: paying in WeChat…`)
  const outcome = await chooseWXPay(created.payParams)
  if (outcome === 'cancel') {
    show('cancelled', `Order ${out_trade_no}: cancelled at the cashier, nothing was paid.`)
    return
  }
  if (outcome !== 'ok') {
    show('failed', `Order ${out_trade_no}: ${outcome}`)
    return
  }
  show('confirming', `Order ${out_trade_no}: waiting for WeChat Pay to tell the server…`)
  const order = await pollPaid(out_trade_no)
  if (order?.state === 'SUCCESS') {
    show(
      'paid',
      `Paid ¥${(order.amount / 100).toFixed(2)}: order ${order.out_trade_no}, transaction ${order.transaction_id ?? '?'}. ` +
        "The server learned it from WeChat Pay's notification.",
    )
  } else {
    show('unconfirmed', `Order ${out_trade_no}: WeChat Pay has not notified the server yet; it will retry.`)
  }
}

/** `wx.chooseWXPay` with `jsapiPayParams`: jweixin's own field is `timestamp`, and it sends `timeStamp`. */
function chooseWXPay(params: DemoPayOrderCreated['payParams']): Promise<'ok' | 'cancel' | string> {
  return new Promise((resolve) => {
    wx.chooseWXPay({
      timestamp: Number(params.timeStamp),
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      success: () => resolve('ok'),
      cancel: () => resolve('cancel'),
      fail: (res?: { errMsg?: string }) => resolve(res?.errMsg ?? 'chooseWXPay:fail'),
    })
  })
}

/** Asks the server until the order is paid, or gives up after {@link POLL_TRIES} tries. */
async function pollPaid(out_trade_no: string): Promise<DemoPayOrder | undefined> {
  let order: DemoPayOrder | undefined
  for (let attempt = 0; attempt < POLL_TRIES; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    try {
      const response = await fetch(`/demo/pay/orders/${encodeURIComponent(out_trade_no)}`, {
        cache: 'no-store',
      })
      if (response.ok) order = (await response.json()) as DemoPayOrder
    } catch {
      // The next try.
    }
    if (order?.state === 'SUCCESS') return order
  }
  return order
}

function show(state: PayState, text: string): void {
  const line = byTestId('pay-state')
  line.dataset.payState = state
  line.textContent = text
}
