import { createHash } from 'node:crypto'
import type { PushedMessage } from './push-options.js'

let lastMsgId = 0

/** The `gh_` original id an app's pushes carry as `ToUserName`: stable, derived from the appId. */
export function originalId(appid: string): string {
  return `gh_${createHash('sha256').update(`wxkit-original-id:${appid}`).digest('hex').slice(0, 12)}`
}

/**
 * A message with the fields WeChat always sends filled in when the caller left them out: `ToUserName`,
 * `FromUserName`, `CreateTime` (seconds) and, for user messages, a fresh `MsgId` (below 2^53, so JSON
 * bodies carry it exactly).
 */
export function completeMessage(
  message: unknown,
  defaults: { appid: string; openid: string; nowMs: number },
  call: string,
): PushedMessage {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) {
    throw new TypeError(`@wxkit/emulator: ${call} message must be an object with WeChat's field names`)
  }
  const fields = message as Record<string, unknown>
  if (typeof fields.MsgType !== 'string' || fields.MsgType === '') {
    throw new TypeError(`@wxkit/emulator: ${call} message needs a MsgType (e.g. "text" or "event")`)
  }
  if (fields.MsgType === 'event' && (typeof fields.Event !== 'string' || fields.Event === '')) {
    throw new TypeError(`@wxkit/emulator: ${call} an event message needs an Event`)
  }
  const createTime = Math.floor(defaults.nowMs / 1000)
  lastMsgId = Math.max(lastMsgId + 1, createTime * 1000)
  return {
    ToUserName: originalId(defaults.appid),
    FromUserName: defaults.openid,
    CreateTime: createTime,
    ...fields,
    ...(fields.MsgType !== 'event' && fields.MsgId === undefined ? { MsgId: String(lastMsgId) } : {}),
    MsgType: fields.MsgType,
  } as PushedMessage
}
