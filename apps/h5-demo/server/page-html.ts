import type { DemoMode } from './config.js'

/** What the page needs to know about the server it came from. */
export interface PageContext {
  mode: DemoMode
  /** The emulator's `bridge.js`, loaded before jweixin so the JS-SDK runs in any browser (emulator mode). */
  bridgeUrl?: string
}

const MARKER = '<!-- wxkit:head -->'

/**
 * Puts the demo's mode and, in emulator mode, the emulator's `bridge.js` into the page's `<head>`.
 *
 * The bridge is a classic script, so it runs while the document is parsed, before any module script
 * (the page's entry, which imports jweixin) is evaluated: jweixin reads the user agent and looks for
 * `WeixinJSBridge` once, when it loads.
 */
export function renderPageHtml(template: string, context: PageContext): string {
  const tags = [`<meta name="wxkit-mode" content="${context.mode}" />`]
  if (context.bridgeUrl !== undefined) {
    tags.push(`<script src="${escapeAttribute(context.bridgeUrl)}"></script>`)
  }
  const head = tags.join('\n    ')
  if (template.includes(MARKER)) return template.replace(MARKER, head)
  return template.replace(/<head>/i, (open) => `${open}\n    ${head}`)
}

function escapeAttribute(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;')
}
