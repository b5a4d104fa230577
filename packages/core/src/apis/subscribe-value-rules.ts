import { WechatValidationError } from '../errors.js'

/**
 * The value rules of subscribe-message template keys (fact sheet §7). A key's type is its alphabetic
 * prefix (`thing12` → `thing`). Like WeChat (and `@wxkit/emulator`), values are trimmed first, must not be
 * empty, and lengths count Unicode code points (an emoji is one character, as `truncateString` counts).
 */

// The same list as the emulator's TEMPLATE_KEY_TYPES, on purpose: core does not depend on the emulator, and
// the two are kept honest by one table of values run through both (test/subscribe-values.test.ts).
const KEY_TYPES = [
  'thing',
  'number',
  'letter',
  'symbol',
  'character_string',
  'time',
  'date',
  'amount',
  'phone_number',
  'car_number',
  'name',
  'phrase',
  'enum',
] as const

/** The subscribe-message key types §7 gives rules for. */
export type SubscribeKeyType = (typeof KEY_TYPES)[number]

/** The type of a key such as `thing12` or `character_string3`; undefined for a prefix §7 does not list. */
export function subscribeKeyType(key: string): SubscribeKeyType | undefined {
  const prefix = /^([a-z_]+?)\d+$/.exec(key)?.[1]
  return (KEY_TYPES as readonly string[]).includes(prefix ?? '') ? (prefix as SubscribeKeyType) : undefined
}

// §7's "symbols" are one set for every type: Unicode punctuation and symbols (not spaces).
const HAN = /\p{Script=Han}/u
const ONLY = {
  han: /^\p{Script=Han}+$/u,
  letters: /^[A-Za-z]+$/,
  symbols: /^[\p{P}\p{S}]+$/u,
  characterString: /^[0-9A-Za-z\p{P}\p{S}]+$/u,
  phone: /^[0-9\p{P}\p{S}]+$/u,
  nameHan: /^[\p{Script=Han}A-Za-z\s\p{P}\p{S}]+$/u,
  nameLatin: /^[A-Za-z\s\p{P}\p{S}]+$/u,
  carMiddle: /^[A-Za-z0-9]$/,
  carEnd: /^(?:[A-Za-z0-9]|\p{Script=Han})$/u,
}
const NUMBER = /^(\d+)(?:\.(\d+))?$/
const AMOUNT = /^\p{Sc}(\d+)(?:\.(\d+))?元?$/u
const DATE = String.raw`(\d{4})(?:年(\d{1,2})月(\d{1,2})日|[-/.](\d{1,2})[-/.](\d{1,2}))`
const TIME = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?`
const DATE_TIME = new RegExp(`^(?:${DATE})?\\s*(?:${TIME})?$`, 'u')

const TIME_RULE =
  'time must be a 24-hour time (15:01), optionally after a date (2019年10月1日 15:01); a range joins two with ~'
const DATE_RULE =
  'date must be a date (2019年10月1日 or 2019-10-01), optionally with a time; a range joins two with ~'

/**
 * The §7 rule `raw` breaks as the value of a key of `type`, or undefined when it fits. `enum` values are
 * only checked for being non-empty: the allowed list lives in the template (`getSubscribeTemplates()`).
 */
export function subscribeValueProblem(type: SubscribeKeyType, raw: string): string | undefined {
  const value = raw.trim()
  if (value === '') return `${type} must not be empty (WeChat trims spaces)`
  const length = [...value].length
  const atMost = (limit: number, what = 'characters') =>
    length > limit ? `${type} allows at most ${limit} ${what}` : undefined
  const only = (pattern: RegExp, what: string) =>
    pattern.test(value) ? undefined : `${type} allows only ${what}`
  switch (type) {
    case 'thing':
      return length > 20 ? 'thing allows at most 20 characters; use truncateString' : undefined
    case 'number': {
      const match = NUMBER.exec(value)
      if (!match) return 'number allows only digits, with an optional decimal part'
      return digits(match) > 32 ? 'number allows at most 32 digits' : undefined
    }
    case 'letter':
      return atMost(32) ?? only(ONLY.letters, 'letters A-Z a-z')
    case 'symbol':
      return atMost(5) ?? only(ONLY.symbols, 'symbols (no letters, digits, Chinese or spaces)')
    case 'character_string':
      return atMost(32) ?? only(ONLY.characterString, 'digits, letters and symbols (no Chinese or spaces)')
    case 'time':
      return isDateTimeRange(value, 'time') ? undefined : TIME_RULE
    case 'date':
      return isDateTimeRange(value, 'date') ? undefined : DATE_RULE
    case 'amount': {
      const match = AMOUNT.exec(value)
      if (!match || digits(match) > 10) {
        return 'amount must be one currency symbol and at most 10 digits, decimals allowed, e.g. ¥99.00 (元 may end it)'
      }
      return undefined
    }
    case 'phone_number':
      return atMost(17) ?? only(ONLY.phone, 'digits and symbols, e.g. +86-0766-66888866')
    case 'car_number':
      return atMost(8) ?? carNumberProblem([...value])
    case 'name':
      if (HAN.test(value)) {
        return length > 10
          ? 'name allows at most 10 characters when it has Chinese; use truncateString'
          : only(ONLY.nameHan, 'Chinese, letters, spaces and symbols (no digits)')
      }
      return atMost(20) ?? only(ONLY.nameLatin, 'letters, spaces and symbols (no digits)')
    case 'phrase':
      return atMost(5, 'Chinese characters') ?? only(ONLY.han, 'Chinese characters, e.g. 配送中')
    case 'enum':
      return undefined
  }
}

/**
 * Checks `data.<key>.value` against its key's §7 rule, throwing a {@link WechatValidationError} that names
 * the key and the rule (never the value). Keys with an unknown prefix pass: WeChat may add types.
 */
export function checkSubscribeValue(key: string, value: string): void {
  const type = subscribeKeyType(key)
  const problem = type && subscribeValueProblem(type, value)
  if (problem) throw new WechatValidationError(`data.${key}.value`, problem)
}

/** The digits of a `number` or `amount` match: the decimal point is not one. */
function digits(match: RegExpExecArray): number {
  return (match[1] ?? '').length + (match[2] ?? '').length
}

function carNumberProblem(chars: string[]): string | undefined {
  const last = chars.length - 1
  const fits = chars.every((ch, i) => (i === 0 || i === last ? ONLY.carEnd : ONLY.carMiddle).test(ch))
  return fits
    ? undefined
    : 'car_number allows letters and digits, with Chinese only as the first or last character'
}

/** `time` needs a 24-hour time (a date may precede it); `date` a date (a time may follow); `~` joins two. */
function isDateTimeRange(value: string, type: 'time' | 'date'): boolean {
  const parts = value.split('~').map((part) => part.trim())
  return parts.length <= 2 && parts.every((part) => isDateTime(part, type))
}

function isDateTime(part: string, type: 'time' | 'date'): boolean {
  const match = part === '' ? null : DATE_TIME.exec(part)
  if (!match) return false
  const [, year, cnMonth, cnDay, month, day, hour, minute, second] = match
  if (type === 'time' ? hour === undefined : year === undefined) return false
  if (year !== undefined) {
    const m = Number(cnMonth ?? month)
    const d = Number(cnDay ?? day)
    if (m < 1 || m > 12 || d < 1 || d > 31) return false
  }
  return hour === undefined || (Number(hour) <= 23 && Number(minute) <= 59 && Number(second ?? 0) <= 59)
}
