import type { Transaction } from '@wxkit/pay'
import type { DemoPayOrder } from '../shared/pay-order.js'

/** An order and whom it is for (the openid stays on the server). */
interface OrderRecord extends DemoPayOrder {
  openid: string
  mchid: string
  appid: string
}

/**
 * The demo's order book (in memory: gone when the demo stops). An order becomes paid only through
 * {@link DemoOrders.recordPayment}, the `onTransaction` of the pay-notify route, and only when the
 * verified, decrypted transaction matches what was ordered.
 */
export class DemoOrders {
  readonly #orders = new Map<string, OrderRecord>()

  constructor(private readonly merchant: { mchid: string; appid: string }) {}

  /** Records a new unpaid order for `openid`. */
  add(out_trade_no: string, openid: string, amount: number): DemoPayOrder {
    const record: OrderRecord = {
      out_trade_no,
      amount,
      state: 'NOTPAY',
      notifications: 0,
      openid,
      ...this.merchant,
    }
    this.#orders.set(out_trade_no, record)
    return view(record)
  }

  /** The order, if it is `openid`'s. */
  get(out_trade_no: string, openid: string): DemoPayOrder | undefined {
    const record = this.#orders.get(out_trade_no)
    return record?.openid === openid ? view(record) : undefined
  }

  /** Forgets an order that WeChat Pay refused to create. */
  delete(out_trade_no: string): void {
    this.#orders.delete(out_trade_no)
  }

  /**
   * A `TRANSACTION.SUCCESS` notification: marks the order paid if everything matches, and throws
   * otherwise (the route then answers 500 and WeChat Pay retries; a mismatch needs a human, not a guess).
   * A second notification for a paid order changes nothing.
   */
  recordPayment = (transaction: Transaction): void => {
    const record = this.#orders.get(transaction.out_trade_no)
    if (record === undefined) throw new Error('h5-demo: a notification for an order the demo did not place')
    if (
      transaction.trade_state !== 'SUCCESS' ||
      transaction.mchid !== record.mchid ||
      transaction.appid !== record.appid ||
      transaction.payer?.openid !== record.openid ||
      transaction.amount?.total !== record.amount
    ) {
      throw new Error(`h5-demo: the notification for ${record.out_trade_no} does not match the order`)
    }
    record.notifications += 1
    if (record.state === 'SUCCESS') return
    record.state = 'SUCCESS'
    if (transaction.transaction_id !== undefined) record.transaction_id = transaction.transaction_id
    if (transaction.success_time !== undefined) record.success_time = transaction.success_time
  }
}

function view(record: OrderRecord): DemoPayOrder {
  const { openid: _openid, mchid: _mchid, appid: _appid, ...order } = record
  return order
}
