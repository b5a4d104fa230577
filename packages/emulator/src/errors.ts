import { randomBytes } from 'node:crypto'

/**
 * Every errcode the emulator's WeChat API endpoints answer, with WeChat's usual errmsg text.
 * The README lists where each rule comes from.
 */
export const WECHAT_ERRORS = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40004: 'invalid media type',
  40005: 'invalid file type',
  40006: 'invalid file size',
  40007: 'invalid media_id',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40016: 'invalid button size',
  40017: 'invalid button type',
  40018: 'invalid button name size',
  40019: 'invalid button key size',
  40020: 'invalid button url size',
  40022: 'invalid sub button level',
  40023: 'invalid sub button size',
  40024: 'invalid sub button type',
  40025: 'invalid sub button name size',
  40026: 'invalid sub button key size',
  40027: 'invalid sub button url size',
  40029: 'invalid code',
  40032: 'invalid openid list size',
  40030: 'invalid refresh_token',
  40037: 'invalid template_id',
  40052: 'invalid action name',
  40053: 'invalid action info',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40129: 'invalid scene',
  40159: 'invalid length for path, or the data is not json string',
  40163: 'code been used',
  40165: 'invalid weapp pagepath',
  40169: 'invalid length for scene, or the data is not json string',
  40212: 'invalid query',
  41001: 'access_token missing',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41005: 'media data missing',
  41008: 'missing code',
  41030: 'invalid page',
  42001: 'access_token expired',
  42002: 'refresh_token expired',
  42003: 'code expired',
  43004: 'require subscribe',
  43101: 'user refuse to accept the msg',
  43104: 'appid and openid not match',
  44002: 'empty post data',
  45009: 'reach max api daily quota limit',
  45029: 'qrcode count out of limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  45015: 'response out of time limit',
  45047: 'out of response count limit',
  46003: 'menu no exist',
  47001: 'data format error',
  47003: 'argument invalid!',
  48001: 'api unauthorized',
  85096: 'not allow include scancode_time field',
  85400: 'long-term quota reached',
  85401: 'expire time out of range',
  85402: 'expire interval out of range',
  85403: 'link not exist',
  85406: 'daily visit limit reached',
  87009: 'invalid signature',
  10060001: '支付单不存在',
  10060003: '支付单已使用重新发货机会',
  10060004: '支付单处于不可发货的状态',
} as const satisfies Record<number, string>

/** An errcode the emulator answers. */
export type WechatErrcode = keyof typeof WECHAT_ERRORS

/** A WeChat error body: `{ errcode, errmsg }` where errmsg ends with `, rid: …`. */
export interface WechatErrorBody {
  errcode: number
  errmsg: string
}

/** A request id shaped like WeChat's, e.g. `6437cc6f-48613c7c-0bdbbd0d`. */
export function newRid(nowMs: number = Date.now()): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0')
    .slice(-8)
  return `${seconds}-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`
}

/**
 * The body WeChat sends for `errcode`: its usual message (or `detail` when given, for messages such as
 * `argument invalid! data.thing1.value invalid`) followed by a fresh rid.
 */
export function wechatErrorBody(errcode: WechatErrcode, detail?: string): WechatErrorBody {
  const errmsg = detail ?? WECHAT_ERRORS[errcode]
  return { errcode, errmsg: `${errmsg}, rid: ${newRid()}` }
}

/** Thrown inside a route handler to answer with a WeChat error; the app's error handler renders it. */
export class WechatApiFailure extends Error {
  override readonly name = 'WechatApiFailure'

  constructor(
    readonly errcode: WechatErrcode,
    readonly detail?: string,
  ) {
    super(detail ?? WECHAT_ERRORS[errcode])
  }

  /** The JSON body to send. */
  toBody(): WechatErrorBody {
    return wechatErrorBody(this.errcode, this.detail)
  }
}
