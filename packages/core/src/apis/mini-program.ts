import { defineEndpoint } from '../endpoint.js'
import { ErrCode } from '../errcode.js'
import { WechatResponseError } from '../errors.js'
import { requireString } from '../validate.js'

/** Result of `/sns/jscode2session`. Keep `session_key` on the server. */
export interface JsCode2SessionResponse {
  /** The user's id within this Mini Program. */
  openid: string
  /** Base64 of 16 bytes; decrypts open data. Never send it to the client. */
  session_key: string
  /** Present when the Mini Program is bound to an Open Platform account. */
  unionid?: string
}

/** Result of `/wxa/business/getuserphonenumber`. */
export interface GetUserPhoneNumberResponse {
  /** The phone number the user agreed to share; its `watermark.appid` is checked against this client's. */
  phone_info: {
    /** With the country prefix for non-mainland numbers. */
    phoneNumber: string
    /** Without the prefix. */
    purePhoneNumber: string
    /** Country code (WeChat documents a string, sends a number). */
    countryCode: string | number
    watermark: {
      /** When the user produced the code (Unix seconds). */
      timestamp: number
      /** The AppID (checked against this client's). */
      appid: string
    }
  }
}

/** `GET /sns/jscode2session`: exchanges a `wx.login` code. Retries are harmless: a reused code gets 40163. */
export const jsCode2Session = defineEndpoint({
  method: 'GET',
  path: '/sns/jscode2session',
  accessToken: false,
  codeUsedErrcodes: [ErrCode.CodeUsed],
  query: (code: string, { appId, appSecret }) => {
    requireString('code', code)
    return { appid: appId, secret: appSecret, js_code: code, grant_type: 'authorization_code' }
  },
  read: (body: Partial<JsCode2SessionResponse>): JsCode2SessionResponse => {
    if (typeof body.openid !== 'string' || typeof body.session_key !== 'string') {
      throw new WechatResponseError({
        endpoint: '/sns/jscode2session',
        reason: 'no openid/session_key in the response',
      })
    }
    return {
      openid: body.openid,
      session_key: body.session_key,
      ...(typeof body.unionid === 'string' ? { unionid: body.unionid } : {}),
    }
  },
})

/** `POST /wxa/business/getuserphonenumber` with the `getPhoneNumber` button's code (in the JSON body). */
export const getUserPhoneNumber = defineEndpoint({
  method: 'POST',
  path: '/wxa/business/getuserphonenumber',
  // WeChat answers a phone code used before with 40029, not 40163.
  codeUsedErrcodes: [ErrCode.InvalidCode],
  json: (code: string) => {
    requireString('code', code)
    return { code }
  },
  read: (body: Partial<GetUserPhoneNumberResponse>, { appId }): GetUserPhoneNumberResponse => {
    const info = body.phone_info
    if (!info || typeof info.phoneNumber !== 'string') {
      throw new WechatResponseError({
        endpoint: '/wxa/business/getuserphonenumber',
        reason: 'no phone_info in the response',
      })
    }
    if (info.watermark && info.watermark.appid !== appId) {
      throw new WechatResponseError({
        endpoint: '/wxa/business/getuserphonenumber',
        reason: 'phone_info.watermark.appid does not match this AppID',
      })
    }
    return { phone_info: info }
  },
})
