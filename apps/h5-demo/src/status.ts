import { byTestId, element } from './dom.js'

/** The page's JS-SDK state, mirrored on `data-wx-status` for people and tests alike. */
export type WxStatus = 'pending' | 'ready' | 'error' | 'not-wechat'

const ICONS: Record<WxStatus, string> = {
  pending: '<span class="weui-primary-loading" aria-hidden="true"></span>',
  ready: '<i class="weui-icon-success" aria-hidden="true"></i>',
  error: '<i class="weui-icon-warn" aria-hidden="true"></i>',
  'not-wechat': '<i class="weui-icon-info" aria-hidden="true"></i>',
}

let shownUrl = ''

/** Shows `status` with a title and a detail line, and the URL that was (or is being) signed ('' hides it). */
export function showStatus(status: WxStatus, title: string, detail: string, signedUrl?: string): void {
  const box = byTestId('status')
  box.dataset.wxStatus = status
  element('.demo-status__icon', box).innerHTML = ICONS[status]
  element('.demo-status__title', box).textContent = title
  element('.demo-status__detail', box).textContent = detail
  if (signedUrl !== undefined) shownUrl = signedUrl
  // While pending the URL is on its way to the server; call it signed only once an answer came back.
  byTestId('signed-url').textContent =
    shownUrl === '' ? '' : `${status === 'pending' ? 'Signing URL' : 'Signed URL'}: ${shownUrl}`
  document.dispatchEvent(new CustomEvent('wx-status', { detail: status }))
}

/** The status currently shown. */
export function currentStatus(): WxStatus {
  return byTestId('status').dataset.wxStatus as WxStatus
}
