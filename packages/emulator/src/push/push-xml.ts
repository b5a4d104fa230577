import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * In XML, the `List` of the subscribe-message events sits inside an element named for the event, one
 * `<List>` per item (§9.5); in JSON it is a top-level `List`.
 */
const LIST_WRAPPERS: Record<string, string> = {
  subscribe_msg_popup_event: 'SubscribeMsgPopupEvent',
  subscribe_msg_change_event: 'SubscribeMsgChangeEvent',
  subscribe_msg_sent_event: 'SubscribeMsgSentEvent',
}

const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false })
const parser = new XMLParser({ parseTagValue: false, trimValues: true, isArray: (name) => name === 'item' })

/** WeChat's XML: `<xml>` root, strings in CDATA, numbers as text, arrays as repeated elements. */
export function toPushXml(message: Record<string, unknown>): string {
  const wrapper = LIST_WRAPPERS[String(message.Event)]
  const fields = { ...message }
  if (wrapper && Array.isArray(fields.List)) {
    fields[wrapper] = { List: fields.List }
    delete fields.List
  }
  return builder.build({ xml: cdata(fields) }) as string
}

function cdata(value: unknown): unknown {
  // A CDATA section cannot hold `]]>`; such a string goes as escaped text instead.
  if (typeof value === 'string') return value.includes(']]>') ? value : { '#cdata': value }
  if (Array.isArray(value)) return value.map(cdata)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cdata(item)]))
  }
  return value
}

/** The fields under `<xml>` of a well-formed XML document, or undefined when it is not one. */
export function parsePushXml(text: string): Record<string, unknown> | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true) return undefined
  const root = (parser.parse(text) as { xml?: unknown }).xml
  return root !== null && typeof root === 'object' && !Array.isArray(root)
    ? (root as Record<string, unknown>)
    : undefined
}
