import { XMLParser, XMLValidator } from 'fast-xml-parser'

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

/**
 * WeChat's XML for `fields`: an `<xml>` root, strings in CDATA, numbers as text, arrays repeated, nested
 * objects as nested elements, `null` as an empty element. Written directly rather than through an XML
 * builder: a reply and its envelope are built for every message, and the builder cost more than the
 * encryption. The field names are WeChat's (fixed by the caller), never user input.
 */
export function buildPushXml(fields: Record<string, unknown>): string {
  return `<xml>${children(fields)}</xml>`
}

function children(fields: object): string {
  let xml = ''
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const item of value) xml += element(name, item)
    else xml += element(name, value)
  }
  return xml
}

function element(name: string, value: unknown): string {
  if (value === null) return `<${name}/>`
  if (typeof value === 'object') return `<${name}>${children(value)}</${name}>`
  const text = String(value)
  if (typeof value !== 'string') return `<${name}>${escapeText(text)}</${name}>`
  // A CDATA section cannot contain `]]>`; such a string is written as escaped text instead.
  return text.includes(']]>')
    ? `<${name}>${escapeText(text)}</${name}>`
    : `<${name}><![CDATA[${text}]]></${name}>`
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  "'": '&apos;',
  '"': '&quot;',
}

function escapeText(text: string): string {
  return text.replace(/[&<>'"]/g, (char) => ENTITIES[char] ?? char)
}
