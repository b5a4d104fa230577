import { readFileSync } from 'node:fs'

/** What the emulator renders into `bridge.js` for one request. */
export interface BridgeScriptConfig {
  /** Absolute URL of the emulator's `POST …/jssdk/verify` route, as the browser reached the emulator. */
  verifyUrl: string
  /** Absolute URL of the emulator's `POST …/pay/brand-wcpay-request` route (`wx.chooseWXPay`). */
  payUrl: string
}

// The browser side lives in browser/bridge.js (checked by tsc and Biome like any source file). It sits
// outside src/ so this path is the same from src/bridge/ (tests) and dist/bridge/ (the package).
const BRIDGE_FILE = new URL('../../browser/bridge.js', import.meta.url)
const PLACEHOLDER = '__WXKIT_BRIDGE_CONFIG__'

let bridgeSource: string | undefined

/** The file, read once on first use; its one config placeholder is checked so a broken edit fails loudly. */
function readBridgeSource(): string {
  if (bridgeSource === undefined) {
    const source = readFileSync(BRIDGE_FILE, 'utf8')
    if (source.split(PLACEHOLDER).length !== 2) {
      throw new Error(`@wxkit/emulator: ${BRIDGE_FILE.pathname} must use ${PLACEHOLDER} exactly once`)
    }
    bridgeSource = source
  }
  return bridgeSource
}

/** Characters that must not appear raw in a JSON value pasted into a script. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The JavaScript served at `GET /__wxkit/bridge.js`, with the emulator's route URLs rendered in. */
export function renderBridgeScript(config: BridgeScriptConfig): string {
  return readBridgeSource().replace(PLACEHOLDER, () =>
    scriptSafeJson({ verifyUrl: config.verifyUrl, payUrl: config.payUrl }),
  )
}
