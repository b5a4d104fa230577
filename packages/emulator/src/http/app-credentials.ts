import { WechatApiFailure } from '../errors.js'
import type { EmulatorApp } from '../state/apps.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * Check `appid` and `secret` as the token and code endpoints do: missing appid 41002, missing secret 41004,
 * unknown appid 40013, wrong secret `wrongSecret`: 40125 `invalid appsecret` by default (§4, §8.5), 40001
 * on `/cgi-bin/token`, where §1.1 and §10 name 40001 for "AppSecret wrong or not for this appid".
 */
export function requireAppCredentials(
  state: EmulatorState,
  appid: unknown,
  secret: unknown,
  wrongSecret: 40001 | 40125 = 40125,
): EmulatorApp {
  if (typeof appid !== 'string' || appid === '') throw new WechatApiFailure(41002)
  if (typeof secret !== 'string' || secret === '') throw new WechatApiFailure(41004)
  const app = state.apps.get(appid)
  if (!app) throw new WechatApiFailure(40013)
  if (app.appSecret !== secret) throw new WechatApiFailure(wrongSecret)
  return app
}
