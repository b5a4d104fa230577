import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser'

/** Elements that may repeat in a push and so always parse to arrays (`<List>`, `<detail>`, news `<item>`). */
const REPEATABLE = new Set(['List', 'detail', 'item'])

const parser = new XMLParser({
  parseTagValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  // Only the five predefined entities are decoded; a DOCTYPE (the only way to declare more) is refused
  // before parsing, so neither external entities (XXE) nor expansion bombs can reach the parser.
  processEntities: true,
  isArray: (name) => REPEATABLE.has(name),
})

const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false })

/** Why a body is not a usable XML push. */
export type XmlRefusal = 'doctype' | 'malformed'

/**
 * The fields under `<xml>` of a push body, or why it was refused: any `<!DOCTYPE` / `<!ENTITY`
 * declaration (XXE, billion laughs) or a document that is not well-formed or has another root.
 */
export function parsePushXml(text: string): Record<string, unknown> | XmlRefusal {
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) return 'doctype'
  if (XMLValidator.validate(text) !== true) return 'malformed'
  let root: unknown
  try {
    root = (parser.parse(text) as { xml?: unknown }).xml
  } catch {
    return 'malformed'
  }
  return root !== null && typeof root === 'object' && !Array.isArray(root)
    ? (root as Record<string, unknown>)
    : 'malformed'
}

/** WeChat's XML for `fields`: an `<xml>` root, strings in CDATA, numbers as text, arrays repeated. */
export function buildPushXml(fields: Record<string, unknown>): string {
  return builder.build({ xml: withCdata(fields) }) as string
}

function withCdata(value: unknown): unknown {
  // A CDATA section cannot contain `]]>`; such a string is written as escaped text instead.
  if (typeof value === 'string') return value.includes(']]>') ? value : { '#cdata': value }
  if (Array.isArray(value)) return value.map(withCdata)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withCdata(item)]))
  }
  return value
}
