import { randomBytes } from 'node:crypto'
import { PayApiFailure } from './pay-failure.js'
import { beijingTime } from './platform-signer.js'

// Field checks and formats that orders and refunds share, with WeChat Pay's PARAM_ERROR wording (§16.3).

/** A `400 PARAM_ERROR` with WeChat Pay's wording. */
export const paramError = (message: string) => new PayApiFailure(400, 'PARAM_ERROR', message)
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-*]{6,32}$/
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/

export function digits(length: number): string {
  return [...randomBytes(length)].map((byte) => String(byte % 10)).join('')
}

export function compact(ms: number): string {
  return beijingTime(ms).slice(0, 19).replace(/\D/g, '')
}

export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

export function text(
  body: Record<string, unknown>,
  field: string,
  max: number,
  required: boolean,
): string | undefined {
  const value = body[field]
  if (value === undefined && !required) return undefined
  if (typeof value !== 'string' || value === '')
    throw paramError(`输入源“/body/${field}”映射到字段“${field}”必填性规则校验失败，此字段为必填项`)
  if (value.length > max)
    throw paramError(
      `输入源“/body/${field}”映射到字段“${field}”字符串规则校验失败，字节数 ${value.length}，大于最大值 ${max}`,
    )
  return value
}

export function notifyUrl(value: unknown): string {
  if (typeof value !== 'string' || value.length > 255 || !/^https:\/\/[^?#\s]+$/.test(value))
    throw paramError('notify_url 格式错误：须为 https、不带参数且不超过 255 字符')
  return value
}

export function fen(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw paramError(`${field} 须为不小于 1 的整数（分）`)
  return value
}
