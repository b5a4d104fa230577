import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '../src/index.js'

const skip = skipWithoutChromium('OAuth consent browser tests')

describe.skipIf(skip)('the OAuth consent page in Chromium', () => {
  let browser: Browser
  let emulator: RunningEmulator
  let app: Server
  let callback: string

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    app = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>callback</title><h1>back at the app</h1>')
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    callback = `http://127.0.0.1:${(app.address() as AddressInfo).port}/auth/callback`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await emulator?.close()
    await new Promise((resolve) => app?.close(resolve))
  })

  function authorizeUrl(state: string): string {
    return (
      `${emulator.oauthBaseUrl}/connect/oauth2/authorize?appid=${DEFAULT_APP.appId}` +
      `&redirect_uri=${encodeURIComponent(callback)}&response_type=code&scope=snsapi_userinfo&state=${state}#wechat_redirect`
    )
  }

  it('clicking Allow lands on redirect_uri with a code that exchanges for a token', async () => {
    const page = await browser.newPage()
    await page.goto(authorizeUrl('allow1'))
    await Promise.all([page.waitForURL(/\/auth\/callback\?/), page.click('#allow')])
    const landed = new URL(page.url())
    expect(landed.searchParams.get('state')).toBe('allow1')
    const code = landed.searchParams.get('code') ?? ''
    const token = (await (
      await fetch(
        `${emulator.apiBaseUrl}/sns/oauth2/access_token?appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}` +
          `&code=${code}&grant_type=authorization_code`,
      )
    ).json()) as Record<string, unknown>
    expect(token.scope).toBe('snsapi_userinfo')
    await page.close()
  })

  it('clicking Deny lands on redirect_uri with only the state', async () => {
    const page = await browser.newPage()
    await page.goto(authorizeUrl('deny1'))
    await Promise.all([page.waitForURL(/\/auth\/callback\?/), page.click('#deny')])
    expect(new URL(page.url()).search).toBe('?state=deny1')
    await page.close()
  })
})
