import { parseXml, XmlCdata, XmlElement, XmlText } from '@rgrove/parse-xml'

/** Elements that may repeat in a push and so always parse to arrays (`<List>`, `<detail>`, news `<item>`). */
const REPEATABLE = new Set(['List', 'detail', 'item'])

/** Why a body is not a usable XML push. */
export type XmlRefusal = 'doctype' | 'malformed'

/**
 * The fields under `<xml>` of a push body, or why it was refused: any `<!DOCTYPE` / `<!ENTITY`
 * declaration (XXE, billion laughs) or a document that is not well-formed or has another root.
 * Values stay strings (never numbers); text is trimmed, CDATA kept as written; an element with child
 * elements is an object, a repeated element (and always `List`, `detail`, `item`) an array, an empty one `''`.
 */
export function parsePushXml(text: string): Record<string, unknown> | XmlRefusal {
  // A DOCTYPE is the only way to declare entities; refusing it before parsing means neither external
  // entities (XXE) nor expansion bombs reach the parser, which decodes only the predefined ones.
  if (/<!(DOCTYPE|ENTITY)/i.test(text)) return 'doctype'
  let root: XmlElement | null
  try {
    root = parseXml(text, { preserveCdata: true }).root
  } catch {
    return 'malformed'
  }
  if (root === null || root.name !== 'xml') return 'malformed'
  const fields = value(root)
  return typeof fields === 'object' ? fields : 'malformed'
}

/** An element's value: its trimmed text when it has no child elements, else an object of them. */
function value(element: XmlElement): string | Record<string, unknown> {
  let text = ''
  const entries = new Map<string, unknown>()
  for (const child of element.children) {
    if (child instanceof XmlElement) {
      const item = value(child)
      const seen = entries.get(child.name)
      if (Array.isArray(seen)) seen.push(item)
      else if (seen !== undefined) entries.set(child.name, [seen, item])
      else entries.set(child.name, REPEATABLE.has(child.name) ? [item] : item)
    } else if (child instanceof XmlCdata) text += child.text
    else if (child instanceof XmlText) text += child.text.trim()
  }
  if (entries.size === 0) return text
  if (text !== '') entries.set('#text', text)
  // fromEntries defines own properties, so an element named `__proto__` cannot reach the prototype.
  return Object.fromEntries(entries)
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
