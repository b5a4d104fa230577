import { WechatRouteError } from '../errors.js'
import { readJsonBody } from '../http/json-body.js'
import { sendJson } from '../http/respond.js'
import { requireCode } from './code-input.js'
import type { RouteHandler } from './route-group.js'

/**
 * `POST {prefix}/mini/phone` `{ code }` (the `getPhoneNumber` button's code; signed-in users only) →
 * `{ phoneNumber, purePhoneNumber, countryCode }` (`countryCode` as a string, e.g. `"86"`).
 */
export const miniPhoneRoute: RouteHandler<true> = async (_feature, context, req, res) => {
  // The phone number belongs to the Mini Program user: an H5 (OAuth) session of the same app is not one.
  if (req.wechatUser?.source !== 'mini') {
    throw new WechatRouteError('unauthorized', 'Sign in with the Mini Program first')
  }
  const body = await readJsonBody(req, context.options.bodyLimit, context.options.bodyTimeoutMs)
  const code = requireCode(body.code)
  const result = await context.options.client.getUserPhoneNumber(code)
  const phone = result.phone_info
  sendJson(res, 200, {
    phoneNumber: phone.phoneNumber,
    purePhoneNumber: phone.purePhoneNumber,
    countryCode: String(phone.countryCode),
  })
}
