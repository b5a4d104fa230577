import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium, unless `CHROMIUM_PATH` names another (never a Playwright download). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Whether a browser suite skips: only outside CI, and only when Chromium is missing. Under `CI=true` a
 * missing Chromium fails the suite instead, so CI can never go green by skipping the browser.
 */
export function skipWithoutChromium(suite: string): boolean {
  const skip = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true'
  if (skip) {
    console.warn(
      `${suite} skipped: no Chromium at ${CHROMIUM_PATH}. Install it with: apt-get install -y chromium`,
    )
  }
  return skip
}

/** Headless Chromium with the flags that work on a machine whose only network is loopback. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium keeps dialling Google's hosts, which this machine refuses.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}
