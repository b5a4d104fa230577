/** `status` of a refund. */
export type RefundStatus = 'SUCCESS' | 'CLOSED' | 'PROCESSING' | 'ABNORMAL'

/** The argument of `refund`: the order by `out_trade_no` or `transaction_id`. */
export type RefundRequest = (
  | { out_trade_no: string; transaction_id?: undefined }
  | { transaction_id: string; out_trade_no?: undefined }
) & {
  /** Your refund number: 1–64 of `[0-9A-Za-z_-|*@]`, unique per merchant. */
  out_refund_no: string
  /** In fen: `refund` ≤ `total`, `total` the order's amount. */
  amount: { refund: number; total: number; currency?: 'CNY' | undefined }
  /** Shown to the user, at most 80 characters. */
  reason?: string | undefined
  /** Where the refund result is posted (same rules as an order's). */
  notify_url?: string | undefined
  [extra: string]: unknown
}

/** A refund as `refund` / `queryRefund` answer it. */
export interface Refund {
  refund_id: string
  out_refund_no: string
  transaction_id: string
  out_trade_no: string
  channel?: string
  user_received_account?: string
  success_time?: string
  create_time: string
  status: RefundStatus
  amount: {
    total: number
    refund: number
    payer_total?: number
    payer_refund?: number
    currency: string
    [extra: string]: unknown
  }
  [extra: string]: unknown
}

/** The decrypted resource of `REFUND.*` notifications. */
export interface RefundNotificationResource {
  mchid: string
  out_trade_no: string
  transaction_id: string
  out_refund_no: string
  refund_id: string
  refund_status: 'SUCCESS' | 'CLOSED' | 'ABNORMAL'
  success_time?: string
  user_received_account?: string
  amount: { total: number; refund: number; payer_total: number; payer_refund: number }
  [extra: string]: unknown
}
