import type { WechatPush } from './message-types.js'

/** Fields WeChat sends as numbers in JSON and as text in XML: numbers in the one shape. */
const NUMBER_FIELDS = new Set([
  'CreateTime',
  'Location_X',
  'Location_Y',
  'Scale',
  'Latitude',
  'Longitude',
  'Precision',
  'PopupScene',
  'ErrorCode',
  'errcode',
  'version',
  'label',
  'prob',
  'status_code',
])
/** Ids that may exceed 2^53: strings in the one shape. */
const ID_FIELDS = new Set(['MsgId', 'MsgID', 'MsgDataId', 'Idx'])
/** Fields that hold a list: JSON sends one item as an object (§9.5), XML one element. Always arrays. */
const LIST_FIELDS = new Set(['List', 'detail'])
/** In XML the subscribe-message events wrap their `<List>` elements in an element named for the event. */
const LIST_WRAPPERS = ['SubscribeMsgPopupEvent', 'SubscribeMsgChangeEvent', 'SubscribeMsgSentEvent']

/**
 * `JSON.parse` that keeps ids as their source digits (a 64-bit `MsgId` would lose precision as a number).
 * Throws on malformed JSON.
 */
export function parsePushJson(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, key, value, context?: { source?: string }) {
    return ID_FIELDS.has(key) && typeof value === 'number' ? (context?.source ?? String(value)) : value
  } as (this: unknown, key: string, value: unknown) => unknown)
}

function normalizeValue(key: string, value: unknown): unknown {
  if (LIST_FIELDS.has(key) && !Array.isArray(value)) {
    value = value === undefined || value === null || value === '' ? [] : [value]
  }
  if (Array.isArray(value)) return value.map((item) => normalizeValue('', item))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([field, item]) => [field, normalizeValue(field, item)]),
    )
  }
  if (NUMBER_FIELDS.has(key) && typeof value === 'string' && value.trim() !== '') {
    const number = Number(value)
    return Number.isFinite(number) ? number : value
  }
  if (ID_FIELDS.has(key) && typeof value === 'number') return String(value)
  return value
}

/**
 * A parsed push body (XML fields or a JSON object) in the one shape, or undefined when it lacks what
 * every push has (`ToUserName`, `FromUserName`, `MsgType`, a numeric `CreateTime`; `Event` for events).
 */
export function normalizePush(fields: Record<string, unknown>): WechatPush | undefined {
  const flat: Record<string, unknown> = { ...fields }
  for (const wrapper of LIST_WRAPPERS) {
    const inner = flat[wrapper]
    if (inner !== null && typeof inner === 'object' && 'List' in inner && flat.List === undefined) {
      flat.List = (inner as { List: unknown }).List
      delete flat[wrapper]
    }
  }
  const push = normalizeValue('', flat) as Record<string, unknown>
  const { ToUserName, FromUserName, MsgType, CreateTime, Event } = push
  if (typeof ToUserName !== 'string' || typeof FromUserName !== 'string') return undefined
  if (typeof MsgType !== 'string' || MsgType === '') return undefined
  if (typeof CreateTime !== 'number' || !Number.isInteger(CreateTime)) return undefined
  if (MsgType === 'event' && (typeof Event !== 'string' || Event === '')) return undefined
  return push as unknown as WechatPush
}

/**
 * The key WeChat's retries share (§9.2): `MsgId` for user messages, `FromUserName` + `CreateTime` +
 * `Event` for events (which have no MsgId).
 */
export function dedupeKey(push: WechatPush): string {
  const { MsgId } = push as { MsgId?: unknown }
  if (push.MsgType !== 'event' && typeof MsgId === 'string' && MsgId !== '') return `msg:${MsgId}`
  const kind = push.MsgType === 'event' ? String((push as { Event?: unknown }).Event) : push.MsgType
  return `evt:${push.FromUserName}:${push.CreateTime}:${kind}`
}
