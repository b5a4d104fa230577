import { WechatApiFailure } from '../errors.js'
import type { EmulatorApp } from '../state/apps.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * Check `appid` and `secret` as the token and code endpoints do: missing appid 41002, missing secret 41004,
 * unknown appid 40013, wrong secret 40125 (§1.1, §4, §8.5).
 */
export function requireAppCredentials(state: EmulatorState, appid: unknown, secret: unknown): EmulatorApp {
  if (typeof appid !== 'string' || appid === '') throw new WechatApiFailure(41002)
  if (typeof secret !== 'string' || secret === '') throw new WechatApiFailure(41004)
  const app = state.apps.get(appid)
  if (!app) throw new WechatApiFailure(40013)
  if (app.appSecret !== secret) throw new WechatApiFailure(40125)
  return app
}
