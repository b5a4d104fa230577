/**
 * The JS-SDK APIs the page uses, in `wx.config`'s `jsApiList`: share to chat and to Moments, scan a QR
 * code, choose an image, get and open a location (the API buttons), and pay (the Pay card). Shared by the server (the middleware's `jsApiList`) and
 * the page, so both name the same APIs.
 */
export const JS_API_LIST = [
  'updateAppMessageShareData',
  'updateTimelineShareData',
  'scanQRCode',
  'chooseImage',
  'getLocation',
  'openLocation',
  'chooseWXPay',
] as const

/** One of the APIs in {@link JS_API_LIST}. */
export type DemoJsApi = (typeof JS_API_LIST)[number]
