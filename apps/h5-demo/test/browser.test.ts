import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js'
import { readDemoConfig } from '../server/config.js'
import { type RunningDemo, startDemo } from '../server/start-demo.js'

const SKIP = skipWithoutChromium('h5-demo browser tests')
const ARTIFACTS = process.env.WXKIT_ARTIFACTS_DIR ?? fileURLToPath(new URL('../artifacts/', import.meta.url))
const ANDROID_PHONE =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36'
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'

async function phone(browser: Browser, userAgent = ANDROID_PHONE): Promise<BrowserContext> {
  const context = await browser.newContext({
    userAgent,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
  })
  // jweixin reports every wx.config to open.weixin.qq.com with an image; there is no internet here.
  await context.route('https://open.weixin.qq.com/**', (route) => route.abort())
  return context
}

/** Waits until the status leaves "pending" and answers the state it settled on. */
async function settledStatus(page: Page): Promise<string | null> {
  const status = page.getByTestId('status')
  await page.waitForSelector('[data-testid="status"]:not([data-wx-status="pending"])', { timeout: 20_000 })
  return status.getAttribute('data-wx-status')
}

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage })
}

describe.skipIf(SKIP)(
  'the page in Chromium, on the embedded emulator (install Chromium: apt-get install -y chromium)',
  () => {
    let demo: RunningDemo
    let browser: Browser
    let context: BrowserContext
    let page: Page
    let origin: string
    const pageErrors: string[] = []

    beforeAll(async () => {
      demo = await startDemo({ config: readDemoConfig({ PORT: '0' }), assets: 'vite', host: '127.0.0.1' })
      origin = new URL(demo.url).origin
      browser = await launchChromium()
    }, 60_000)
    afterAll(async () => {
      await browser?.close()
      await demo?.close()
    })
    beforeEach(async () => {
      context = await phone(browser)
      page = await context.newPage()
      pageErrors.length = 0
      page.on('pageerror', (error) => pageErrors.push(error.message))
    })
    afterEach(async () => {
      await context?.close()
      expect(pageErrors).toEqual([])
    })

    it('reaches "ready" for a plain URL, and the API buttons answer', async () => {
      await page.goto(`${origin}/`)
      expect(await settledStatus(page)).toBe('ready')
      await expect.poll(() => page.getByTestId('signed-url').textContent()).toBe(`Signed URL: ${origin}/`)
      await expect.poll(() => page.getByTestId('mode-banner').isVisible()).toBe(true)

      await page.getByTestId('api-getLocation').click()
      await expect
        .poll(() => page.getByTestId('result-getLocation').textContent())
        .toMatch(/^Latitude [\d.]+/)
      await page.getByTestId('api-scanQRCode').click()
      await expect.poll(() => page.getByTestId('result-scanQRCode').textContent()).toMatch(/^Scanned: \S+/)
      await page.getByTestId('api-updateAppMessageShareData').click()
      await expect
        .poll(() => page.getByTestId('result-updateAppMessageShareData').getAttribute('data-state'))
        .toBe('ok')
      await page.getByTestId('api-chooseImage').click()
      await expect.poll(() => page.getByTestId('result-chooseImage').textContent()).toMatch(/^Chose 1 image/)
      await screenshot(page, 'ready')
      await screenshot(page, 'ready-phone-screen', false)
    })

    it('reaches "ready" for a URL whose query holds Chinese and percent-encoded characters', async () => {
      await page.goto(`${origin}/news/2?tag=微信&q=a%2Bb%20c&name=%E5%BC%A0%E4%B8%89&from=singlemessage`)
      expect(await settledStatus(page)).toBe('ready')
      await screenshot(page, 'ready-chinese-query')
    })

    it('reaches "ready" on a hash route, signing the URL without its fragment', async () => {
      await page.goto(`${origin}/?from=timeline#/account`)
      expect(await settledStatus(page)).toBe('ready')
      expect(await page.getByTestId('signed-url').textContent()).toBe(`Signed URL: ${origin}/?from=timeline`)
      await expect.poll(() => page.getByTestId('sign-in').isVisible()).toBe(true)

      // Switching hash routes keeps the signature: nothing to sign again.
      await page.locator('[data-route="mini-program"]').click()
      await expect.poll(() => page.getByTestId('scene-input').isVisible()).toBe(true)
      expect(await page.getByTestId('status').getAttribute('data-wx-status')).toBe('ready')
      await screenshot(page, 'ready-hash-route')
    })

    it('signs again after history.pushState navigation, and stays ready', async () => {
      await page.goto(`${origin}/`)
      expect(await settledStatus(page)).toBe('ready')
      const configRequests: string[] = []
      page.on('request', (request) => {
        if (request.url().includes('/wechat/jssdk/config')) configRequests.push(request.url())
      })
      await page.locator('a[href^="/news/2"]').click()
      await expect
        .poll(() => page.getByTestId('signed-url').textContent(), { timeout: 10_000 })
        .toBe(`Signed URL: ${origin}/news/2?tag=%E5%BE%AE%E4%BF%A1&q=a%2Bb`)
      await expect
        .poll(() => page.getByTestId('status').getAttribute('data-wx-status'), { timeout: 10_000 })
        .toBe('ready')
      expect(configRequests).toHaveLength(1)
      await page.getByTestId('api-getLocation').click()
      await expect.poll(() => page.getByTestId('result-getLocation').getAttribute('data-state')).toBe('ok')
    })

    it('keeps the landing URL on iOS WeChat after pushState navigation', async () => {
      await context.close()
      context = await phone(browser, IPHONE)
      page = await context.newPage()
      await page.goto(`${origin}/news/1?from=timeline`)
      expect(await settledStatus(page)).toBe('ready')
      let configRequests = 0
      page.on('request', (request) => {
        if (request.url().includes('/wechat/jssdk/config')) configRequests += 1
      })
      await page.locator('a[href^="/news/2"]').click()
      await expect
        .poll(() => page.getByTestId('route-note').textContent())
        .toContain('iOS WeChat keeps verifying the landing URL')
      expect(page.url()).toContain('/news/2')
      expect(configRequests).toBe(0)
      expect(await page.getByTestId('status').getAttribute('data-wx-status')).toBe('ready')
    })

    it('shows "pending" with a spinner while the signature is on its way, then "ready"', async () => {
      let release: () => void = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      await page.route('**/wechat/jssdk/config?**', async (route) => {
        await held
        await route.continue()
      })
      await page.goto(`${origin}/`)
      await expect.poll(() => page.getByTestId('api-getLocation').count()).toBe(1)
      expect(await page.getByTestId('status').getAttribute('data-wx-status')).toBe('pending')
      expect(await page.locator('[data-testid="status"] .weui-primary-loading').isVisible()).toBe(true)
      expect(await page.getByTestId('api-getLocation').isDisabled()).toBe(true)
      expect(await page.getByTestId('signed-url').textContent()).toBe(`Signing URL: ${origin}/`)
      await screenshot(page, 'pending', false)
      release()
      expect(await settledStatus(page)).toBe('ready')
      expect(await page.getByTestId('signed-url').textContent()).toBe(`Signed URL: ${origin}/`)
    })

    it("shows the error state with WeChat's message for a tampered signature", async () => {
      await page.route('**/wechat/jssdk/config?**', async (route) => {
        const response = await route.fetch()
        const config = (await response.json()) as { signature: string }
        const tampered = config.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'))
        await route.fulfill({ response, json: { ...config, signature: tampered } })
      })
      await page.goto(`${origin}/`)
      expect(await settledStatus(page)).toBe('error')
      expect(await page.locator('.demo-status__detail').textContent()).toContain('invalid signature')
      expect(await page.getByTestId('api-getLocation').isDisabled()).toBe(true)
      await screenshot(page, 'error-invalid-signature')
    })

    it('shows the error state when a re-signed URL fails verification after pushState', async () => {
      await page.goto(`${origin}/`)
      expect(await settledStatus(page)).toBe('ready')
      // jweixin runs wx.ready at once after a second wx.config; only wx.error tells the truth.
      await page.route('**/wechat/jssdk/config?**', async (route) => {
        const response = await route.fetch()
        const config = (await response.json()) as { nonceStr: string }
        await route.fulfill({ response, json: { ...config, nonceStr: `${config.nonceStr}x` } })
      })
      await page.locator('a[href^="/news/1"]').click()
      await expect
        .poll(() => page.getByTestId('status').getAttribute('data-wx-status'), { timeout: 10_000 })
        .toBe('error')
      expect(await page.locator('.demo-status__detail').textContent()).toContain('invalid signature')
      expect(await page.getByTestId('api-getLocation').isDisabled()).toBe(true)
    })

    it('says so when the emulator bridge did not load, instead of waiting forever', async () => {
      await page.route('**/__wxkit/bridge.js', (route) => route.abort())
      await page.goto(`${origin}/`)
      expect(await settledStatus(page)).toBe('not-wechat')
      expect(await page.locator('.demo-status__title').textContent()).toBe('The emulator bridge did not load')
    })

    it('signs in through WeChat OAuth, shows the user, and signs out', async () => {
      await page.goto(`${origin}/?from=oauth#/account`)
      await settledStatus(page)
      await page.getByTestId('sign-in').click()
      // The emulator's consent page, standing in for open.weixin.qq.com.
      await page.waitForURL((url) => url.origin === demo.emulator?.url)
      await screenshot(page, 'oauth-consent')
      await page.getByRole('button', { name: /allow|同意|允许/i }).click()

      await page.waitForURL(`${origin}/?from=oauth#/account`)
      await expect.poll(() => page.getByTestId('user').isVisible(), { timeout: 10_000 }).toBe(true)
      const openid = await page.getByTestId('user-openid').textContent()
      expect(openid).toMatch(/^[\w-]{10,}$/)
      expect((await page.getByTestId('user-nickname').textContent())?.trim()).not.toBe('')
      await expect
        .poll(() =>
          page
            .getByTestId('user-avatar')
            .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth),
        )
        .toBeGreaterThan(0)
      expect(await page.getByTestId('sign-in').isVisible()).toBe(false)
      expect(await settledStatus(page)).toBe('ready')
      await screenshot(page, 'signed-in')

      await page.getByTestId('sign-out').click()
      await expect.poll(() => page.getByTestId('sign-in').isVisible()).toBe(true)
      expect(await page.getByTestId('user').isVisible()).toBe(false)
      const me = await page.evaluate(async () => (await fetch('/wechat/me')).status)
      expect(me).toBe(401)
    })

    it('Pay ¥0.01: signs in, pays with wx.chooseWXPay, and shows "paid" once the server was notified', async () => {
      await page.goto(`${origin}/#/account`)
      expect(await settledStatus(page)).toBe('ready')
      // Signed out: the card says why it cannot pay yet.
      await expect
        .poll(() => page.getByTestId('pay-note').textContent())
        .toContain('Sign in with WeChat first')
      expect(await page.getByTestId('pay-button').isDisabled()).toBe(true)

      await page.getByTestId('sign-in').click()
      await page.waitForURL((url) => url.origin === demo.emulator?.url)
      await page.getByRole('button', { name: /allow|同意|允许/i }).click()
      await page.waitForURL(`${origin}/#/account`)
      expect(await settledStatus(page)).toBe('ready')
      await expect.poll(() => page.getByTestId('pay-button').isEnabled(), { timeout: 10_000 }).toBe(true)

      // The page's own success callback is not what turns the card to "paid": the server's answer is.
      const polled: string[] = []
      page.on('response', (response) => {
        if (/\/demo\/pay\/orders\/H5/.test(response.url())) polled.push(response.url())
      })
      await page.getByTestId('pay-button').click()
      const state = page.getByTestId('pay-state')
      await expect.poll(() => state.getAttribute('data-pay-state'), { timeout: 20_000 }).toBe('paid')
      const text = (await state.textContent()) ?? ''
      expect(text).toMatch(
        /^Paid ¥0\.01: order (H5\w+), transaction \d+\. The server learned it from WeChat Pay's notification\.$/,
      )
      expect(polled.length).toBeGreaterThan(0)
      await screenshot(page, 'paid')

      // What happened at WeChat Pay: one order of 1 fen for the signed-in openid, notified once, acknowledged.
      const out_trade_no = /order (H5\w+)/.exec(text)?.[1]
      const sent = ((await demo.emulator?.control.notifications()) ?? []).filter(
        (n) => n.out_trade_no === out_trade_no,
      )
      expect(sent.map((n) => [n.event_type, n.attempts.map((attempt) => attempt.status)])).toEqual([
        ['TRANSACTION.SUCCESS', [204]],
      ])
    })

    it('Pay ¥0.01: a cancel at the cashier leaves the order unpaid', async () => {
      await page.goto(`${origin}/#/account`)
      await settledStatus(page)
      await page.getByTestId('sign-in').click()
      await page.waitForURL((url) => url.origin === demo.emulator?.url)
      await page.getByRole('button', { name: /allow|同意|允许/i }).click()
      await page.waitForURL(`${origin}/#/account`)
      await expect.poll(() => page.getByTestId('pay-button').isEnabled(), { timeout: 10_000 }).toBe(true)
      await page.evaluate(() => {
        ;(
          window as unknown as { wxkitBridge: { options: { payResult?: string } } }
        ).wxkitBridge.options.payResult = 'cancel'
      })
      await page.getByTestId('pay-button').click()
      const state = page.getByTestId('pay-state')
      await expect.poll(() => state.getAttribute('data-pay-state'), { timeout: 20_000 }).toBe('cancelled')
      const out_trade_no = /Order (H5\w+)/.exec((await state.textContent()) ?? '')?.[1]
      const order = await page.evaluate(
        async (no) => (await fetch(`/demo/pay/orders/${no}`)).json(),
        out_trade_no,
      )
      expect(order).toMatchObject({ state: 'NOTPAY', notifications: 0 })
    })

    it('loads the Mini Program code for the scene the user typed', async () => {
      await page.goto(`${origin}/#/mini-program`)
      await settledStatus(page)
      await page.getByTestId('scene-input').fill('id=42&from=e2e')
      await page.getByTestId('qrcode-button').click()
      await expect
        .poll(() =>
          page
            .getByTestId('qrcode-image')
            .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth),
        )
        .toBeGreaterThan(0)
      expect(await page.getByTestId('qrcode-caption').textContent()).toBe('scene=id=42&from=e2e')
      await screenshot(page, 'mini-program-code')

      await page.getByTestId('scene-input').fill('微信')
      await page.getByTestId('qrcode-button').click()
      await expect.poll(() => page.getByTestId('qrcode-error').isVisible()).toBe(true)
    })

    it('Follow: shows a parameter code from showqrcode, and a scan brings subscribe, the welcome, then SCAN', async () => {
      await page.goto(`${origin}/#/follow`)
      await settledStatus(page)
      await page.getByTestId('follow-button').click()
      const image = page.getByTestId('follow-image')
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
        .toBeGreaterThan(0)
      const src = new URL((await image.getAttribute('src')) ?? '')
      // The image is WeChat's showqrcode (here the emulator's), with the ticket URL-encoded and no token.
      expect(`${src.origin}${src.pathname}`).toBe(`${demo.emulator?.url}/cgi-bin/showqrcode`)
      expect(src.searchParams.has('access_token')).toBe(false)
      const caption = (await page.getByTestId('follow-caption').textContent()) ?? ''
      const scene = /scene (visitor-\S+)/.exec(caption)?.[1]
      expect(scene).toMatch(/^visitor-/)

      // The scan's subscribe and its welcome land in the Messages conversation, with how they travelled.
      await page.getByTestId('scan-button').click()
      await expect.poll(() => page.getByTestId('follow-result').isVisible(), { timeout: 20_000 }).toBe(true)
      await page.getByTestId('follow-result-link').click()
      const bubbles = page.locator('[data-testid="conversation"] .demo-bubble')
      const texts = () => bubbles.locator('.demo-bubble__text').allTextContents()
      await expect
        .poll(texts, { timeout: 20_000 })
        .toEqual([
          expect.stringMatching(/^You follow the account as o[\w-]{27}$/),
          `Followed (subscribe, EventKey qrscene_${scene})`,
          `Welcome! You followed by scanning the code for ${scene}.`,
        ])
      expect(await bubbles.nth(1).getAttribute('data-from')).toBe('user')
      expect(await bubbles.nth(2).getAttribute('data-from')).toBe('account')
      expect(await bubbles.nth(2).locator('.demo-bubble__meta').textContent()).toMatch(
        /^safe mode · XML · 1 attempt \(HTTP 200, \d+ ms\)$/,
      )

      // The same visitor scans again: a follower's SCAN, answered in the same conversation.
      await page.locator('[data-route="follow"]').click()
      await page.getByTestId('scan-button').click()
      await page.locator('[data-route="messages"]').click()
      await expect.poll(() => bubbles.count(), { timeout: 20_000 }).toBe(5)
      expect((await texts()).slice(3)).toEqual([
        `Scanned again (SCAN, EventKey ${scene})`,
        `Welcome back! You scanned the code for ${scene} again.`,
      ])
      await screenshot(page, 'follow')

      // The pushes really went to the demo's push route, signed and encrypted (safe mode).
      const pushes = ((await demo.emulator?.control.pushes()) ?? []).filter((push) =>
        String(push.message.EventKey).endsWith(scene ?? '-'),
      )
      expect(pushes.map((push) => [push.message.Event, push.result?.attempts[0]?.status])).toEqual([
        ['subscribe', 200],
        ['SCAN', 200],
      ])
    })

    it('Messages: a follower types, the emulator pushes (safe mode, XML) and the replies show as bubbles', async () => {
      await page.goto(`${origin}/#/messages`)
      await settledStatus(page)
      expect(await page.getByTestId('messages-intro').textContent()).toContain('safe mode')
      const bubbles = page.locator('[data-testid="conversation"] .demo-bubble')
      const texts = () => bubbles.locator('.demo-bubble__text').allTextContents()
      const send = async (text: string, count: number) => {
        await page.getByTestId('message-input').fill(text)
        await page.getByTestId('message-send').click()
        await expect.poll(() => bubbles.count(), { timeout: 20_000 }).toBe(count)
      }

      // Not following yet: the visitor follows first, so the subscribe welcome opens the conversation.
      await send('你好 <b>wxkit</b> & co', 5)
      expect(await texts()).toEqual([
        expect.stringMatching(/^You follow the account as o[\w-]{27}$/),
        'Followed the account (subscribe)',
        expect.stringMatching(/^Welcome! Thanks for following\./),
        '你好 <b>wxkit</b> & co',
        'You said: 你好 <b>wxkit</b> & co',
      ])
      expect(await bubbles.nth(4).getAttribute('data-from')).toBe('account')
      expect(await bubbles.nth(4).locator('.demo-bubble__meta').textContent()).toMatch(
        /^safe mode · XML · 1 attempt \(HTTP 200, \d+ ms\)$/,
      )
      // Text stays text: the markup the visitor typed was not rendered.
      expect(await page.locator('[data-testid="conversation"] b').count()).toBe(0)

      await send('time', 7)
      expect((await texts())[6]).toMatch(/^Server time: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/)
      await send('NEWS', 9)
      const article = bubbles.nth(8).locator('a.demo-article__title')
      expect(await article.textContent()).toBe('wxkit: WeChat for TypeScript servers')
      expect(await article.getAttribute('href')).toBe('https://github.com/wxkit/wxkit')
      await send(' help ', 11)
      expect((await texts())[10]).toMatch(/^Commands: "time"/)
      // One visitor throughout: a single follow.
      expect((await texts()).filter((text) => text.startsWith('You follow'))).toHaveLength(1)
      await screenshot(page, 'messages')

      // Every reply came from the demo's push route at the first try, as WeChat would have delivered it.
      const notes = await page.locator('[data-from="account"] .demo-bubble__meta').allTextContents()
      expect(notes).toHaveLength(5)
      for (const note of notes) expect(note).toMatch(/^safe mode · XML · 1 attempt \(HTTP 200, \d+ ms\)$/)
    })
  },
)

describe.skipIf(SKIP)(
  'the page in Chromium, in real mode outside WeChat (install Chromium: apt-get install -y chromium)',
  () => {
    let wechat: RunningEmulator
    let demo: RunningDemo
    let browser: Browser

    beforeAll(async () => {
      wechat = await startEmulator({ host: '127.0.0.1', port: 0 })
      const config = readDemoConfig({
        PORT: '0',
        WECHAT_APP_ID: DEFAULT_APP.appId,
        WECHAT_APP_SECRET: DEFAULT_APP.appSecret,
        WECHAT_API_BASE_URL: wechat.apiBaseUrl,
        WECHAT_OAUTH_BASE_URL: wechat.oauthBaseUrl,
      })
      demo = await startDemo({ config, assets: 'vite', host: '127.0.0.1' })
      browser = await launchChromium()
    }, 60_000)
    afterAll(async () => {
      await browser?.close()
      await demo?.close()
      await wechat?.close()
    })

    it('asks a normal browser to open the page in WeChat', async () => {
      const context = await phone(browser)
      const page = await context.newPage()
      await page.goto(demo.url)
      expect(await settledStatus(page)).toBe('not-wechat')
      expect(await page.locator('.demo-status__title').textContent()).toBe('Open this page in WeChat')
      expect(await page.getByTestId('mode-banner').isVisible()).toBe(false)
      expect(await page.getByTestId('signed-url').textContent()).toBe('')
      await screenshot(page, 'not-wechat')
      // Messages in real mode: no message box (WeChat itself pushes), a note on how to reach the route.
      await page.locator('[data-route="messages"]').click()
      expect(await page.getByTestId('messages-intro').textContent()).toContain(
        'Follow the Official Account in WeChat',
      )
      expect(await page.getByTestId('message-input').isVisible()).toBe(false)
      // Pay without WECHAT_PAY_*: the card says what to set, and cannot order.
      await page.locator('[data-route="account"]').click()
      await expect
        .poll(() => page.getByTestId('pay-note').textContent())
        .toBe('WeChat Pay is not configured: set the WECHAT_PAY_* variables (see the README).')
      expect(await page.getByTestId('pay-button').isDisabled()).toBe(true)
      await context.close()
    })
  },
)
