import { describe, expect, it } from 'vitest'
import { renderPageHtml } from '../server/page-html.js'

const TEMPLATE = `<!doctype html>
<html>
  <head>
    <!-- wxkit:head -->
    <script type="module" src="/src/main.ts"></script>
  </head>
  <body></body>
</html>`

describe('renderPageHtml', () => {
  it('loads the emulator bridge as a classic script ahead of the page module in emulator mode', () => {
    const html = renderPageHtml(TEMPLATE, {
      mode: 'emulator',
      bridgeUrl: 'http://127.0.0.1:4000/__wxkit/bridge.js',
    })
    const bridge = html.indexOf('<script src="http://127.0.0.1:4000/__wxkit/bridge.js"></script>')
    expect(bridge).toBeGreaterThan(-1)
    expect(bridge).toBeLessThan(html.indexOf('type="module"'))
    expect(html).toContain('<meta name="wxkit-mode" content="emulator" />')
    expect(html).not.toContain('wxkit:head')
  })

  it('adds no bridge in real mode', () => {
    const html = renderPageHtml(TEMPLATE, { mode: 'wechat' })
    expect(html).toContain('<meta name="wxkit-mode" content="wechat" />')
    expect(html).not.toContain('bridge.js')
  })

  it('falls back to the start of <head> when the marker is gone (a minifier dropped the comment)', () => {
    const html = renderPageHtml(TEMPLATE.replace('<!-- wxkit:head -->', ''), {
      mode: 'emulator',
      bridgeUrl: 'http://127.0.0.1:4000/__wxkit/bridge.js?a=1&b="2"',
    })
    expect(html.indexOf('bridge.js')).toBeLessThan(html.indexOf('type="module"'))
    expect(html).toContain('bridge.js?a=1&amp;b=&quot;2&quot;')
  })
})
