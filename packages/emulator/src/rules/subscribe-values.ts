import type { TemplateKeyType } from '../state/subscriptions.js'

const HAN = /\p{Script=Han}/u
const ONLY_HAN = /^\p{Script=Han}+$/u
// "Symbols" is one set for every type (§7): Unicode punctuation and symbols, so `symbol`, `character_string`,
// `phone_number` and `name` agree on what `¥`, `-` or `·` are.
const SYMBOLS = /^[\p{P}\p{S}]+$/u
const CHARACTER_STRING = /^[0-9A-Za-z\p{P}\p{S}]+$/u
const DIGITS_AND_SYMBOLS = /^[0-9\p{P}\p{S}]+$/u
const NAME_LATIN = /^[A-Za-z\s\p{P}\p{S}]+$/u
const NAME_HAN = /^[\p{Script=Han}A-Za-z\s\p{P}\p{S}]+$/u
const NUMBER = /^(\d+)(?:\.(\d+))?$/
const AMOUNT = /^\p{Sc}(\d+)(?:\.(\d+))?元?$/u
const ALNUM = /^[A-Za-z0-9]$/
const DATE_PART = String.raw`(\d{4})(?:年(\d{1,2})月(\d{1,2})日|[-/.](\d{1,2})[-/.](\d{1,2}))`
const TIME_PART = String.raw`(\d{1,2}):(\d{2})(?::(\d{2}))?`
const DATE_TIME = new RegExp(`^(?:${DATE_PART})?\\s*(?:${TIME_PART})?$`, 'u')

/**
 * Whether `raw` is a valid value for a template key of `type` (§7). Values are trimmed, must not be empty,
 * and lengths count Unicode code points. `enumValues` lists the allowed values of an `enum` key.
 */
export function isValidSubscribeValue(
  type: TemplateKeyType,
  raw: string,
  enumValues: readonly string[] = [],
): boolean {
  const value = raw.trim()
  if (value === '') return false
  const chars = [...value]
  const length = chars.length
  switch (type) {
    case 'thing':
      return length <= 20
    case 'number':
      return digitCount(NUMBER.exec(value)) <= 32
    case 'letter':
      return length <= 32 && /^[A-Za-z]+$/.test(value)
    case 'symbol':
      return length <= 5 && SYMBOLS.test(value) && !HAN.test(value)
    case 'character_string':
      return length <= 32 && CHARACTER_STRING.test(value)
    case 'time':
      return isDateTimeRange(value, 'time')
    case 'date':
      return isDateTimeRange(value, 'date')
    case 'amount':
      return digitCount(AMOUNT.exec(value)) <= 10
    case 'phone_number':
      return length <= 17 && DIGITS_AND_SYMBOLS.test(value)
    case 'car_number':
      return (
        length <= 8 &&
        chars.every((ch, i) => ALNUM.test(ch) || ((i === 0 || i === length - 1) && ONLY_HAN.test(ch)))
      )
    case 'name':
      return HAN.test(value) ? length <= 10 && NAME_HAN.test(value) : length <= 20 && NAME_LATIN.test(value)
    case 'phrase':
      return length <= 5 && ONLY_HAN.test(value)
    case 'enum':
      return enumValues.includes(value)
  }
}

/** The digits of a `number` or `amount` match (the decimal point is not one); Infinity for no match. */
function digitCount(match: RegExpExecArray | null): number {
  return match ? (match[1] ?? '').length + (match[2] ?? '').length : Number.POSITIVE_INFINITY
}

/** `time` needs a 24-hour time (a date may precede it); `date` needs a date (a time may follow); `~` joins a range. */
function isDateTimeRange(value: string, type: 'time' | 'date'): boolean {
  const parts = value.split('~').map((part) => part.trim())
  return parts.length <= 2 && parts.every((part) => isDateTime(part, type))
}

function isDateTime(part: string, type: 'time' | 'date'): boolean {
  const match = DATE_TIME.exec(part)
  if (!match || part === '') return false
  const [, year, cnMonth, cnDay, month, day, hour, minute, second] = match
  const hasDate = year !== undefined
  const hasTime = hour !== undefined
  if (type === 'time' && !hasTime) return false
  if (type === 'date' && !hasDate) return false
  if (hasDate) {
    const m = Number(cnMonth ?? month)
    const d = Number(cnDay ?? day)
    if (m < 1 || m > 12 || d < 1 || d > 31) return false
  }
  if (hasTime && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) return false
  return true
}
