import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, skipWithoutChromium } from '../../../test-support/chromium.js'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '../src/index.js'

const skip = skipWithoutChromium('control API browser tests')

/** A fault that, had it been queued, makes the next `/cgi-bin/token` answer HTTP 500. */
const FAULT = JSON.stringify({ path: '/cgi-bin/token', fault: { kind: 'http', status: 500 } })

describe.skipIf(skip)('finding 11: a web page in Chromium cannot drive the control API', () => {
  let browser: Browser
  let emulator: RunningEmulator
  let page: Server
  let pageUrl: string

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    // Another origin (another port): any page the developer happens to have open.
    page = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><title>some page</title>')
    })
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve))
    pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await emulator?.close()
    await new Promise((resolve) => page?.close(resolve))
  })

  async function tokenStatus(): Promise<number> {
    const query = `grant_type=client_credential&appid=${DEFAULT_APP.appId}&secret=${DEFAULT_APP.appSecret}`
    return (await fetch(`${emulator.apiBaseUrl}/cgi-bin/token?${query}`)).status
  }

  it('queues no fault from a no-cors fetch, a CORS fetch or an HTML form post', async () => {
    const tab = await browser.newPage()
    await tab.goto(pageUrl)
    const target = `${emulator.url}/__wxkit/injectFault`
    const outcomes = await tab.evaluate(
      async ({ target, fault }) => {
        const simple = await fetch(target, { method: 'POST', mode: 'no-cors', body: fault }).then(
          (response) => response.type,
          (error: Error) => error.name,
        )
        const cors = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: fault,
        }).then(
          (response) => String(response.status),
          (error: Error) => error.name,
        )
        return { simple, cors }
      },
      { target, fault: FAULT },
    )
    // The simple request reached the server (opaque answer); the JSON one died at its preflight.
    expect(outcomes).toEqual({ simple: 'opaque', cors: 'TypeError' })

    await tab.setContent(
      `<form method="post" enctype="text/plain" action="${target}">` +
        `<input name='${FAULT.slice(0, -1)},"x":"' value='"}'></form>`,
    )
    await Promise.all([tab.waitForNavigation(), tab.evaluate(() => document.forms[0]?.submit())])
    expect(await tab.textContent('body')).toMatch(/web pages/)
    await tab.close()

    expect(await tokenStatus()).toBe(200)
  })

  it('still lets the same fault through from test code (no Origin), which proves the probe', async () => {
    await emulator.control.injectFault(JSON.parse(FAULT))
    expect(await tokenStatus()).toBe(500)
  })
})
