import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatOk } from '../http/wechat-json.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * `POST /wxa/business/getuserphonenumber?access_token=…` with `{"code": "…"}` (§5). The code is single
 * use: a missing, unknown, expired, reused or wrong-kind code answers 40029; a code from another app than
 * the token's answers 40013.
 */
export function createPhoneNumberRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/wxa/business/getuserphonenumber', async (c) => {
    const token = requireAccessToken(c, state)
    const body = await readJsonBody(c)
    if (typeof body.code !== 'string' || body.code === '') throw new WechatApiFailure(40029)
    const record = state.codes.consume(body.code, 'phone', token.appId, state.now())
    if (record === 'other-app') throw new WechatApiFailure(40013)
    if (typeof record === 'string') throw new WechatApiFailure(40029)
    const pure = record.phoneNumber ?? ''
    const countryCode = record.countryCode ?? '86'
    return wechatOk(c, {
      phone_info: {
        phoneNumber: countryCode === '86' ? pure : `+${countryCode}${pure}`,
        purePhoneNumber: pure,
        countryCode,
        watermark: { timestamp: Math.floor(record.issuedAt / 1000), appid: record.appId },
      },
    })
  })

  return app
}
