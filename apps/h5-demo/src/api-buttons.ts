import type { DemoJsApi } from '../shared/js-api-list.js'
import { element } from './dom.js'
import { wx } from './wx.js'

/** A JS-SDK call's callbacks, as jweixin invokes them. */
interface Callbacks {
  success(res?: Record<string, unknown>): void
  fail(res?: { errMsg?: string }): void
  cancel(res?: { errMsg?: string }): void
}

interface ApiButton {
  api: DemoJsApi
  label: string
  /** Calls the API with `callbacks`; answers what to show on success. */
  run(callbacks: Callbacks): void
  describe(res: Record<string, unknown>): string
}

/** How long a call may stay unanswered (jweixin drops calls silently when there is no bridge). */
const ANSWER_TIMEOUT_MS = 10_000
/** Tencent's Binhai building in Shenzhen, for `openLocation` before `getLocation` ran. */
let lastLocation = { latitude: 22.5225, longitude: 113.9353 }

function shareIconUrl(): string {
  return new URL('/share-icon.png', location.href).href
}

const BUTTONS: ApiButton[] = [
  {
    api: 'updateAppMessageShareData',
    label: 'Share to a chat',
    run: (callbacks) =>
      wx.updateAppMessageShareData({
        title: 'wxkit H5 demo',
        desc: 'wx.config, sign-in and Mini Program codes with @wxkit/express',
        link: location.href,
        imgUrl: shareIconUrl(),
        ...callbacks,
      }),
    describe: () => 'Share card set: use ··· › Send to Chat',
  },
  {
    api: 'updateTimelineShareData',
    label: 'Share to Moments',
    run: (callbacks) =>
      wx.updateTimelineShareData({
        title: 'wxkit H5 demo',
        link: location.href,
        imgUrl: shareIconUrl(),
        ...callbacks,
      }),
    describe: () => 'Moments card set: use ··· › Share to Moments',
  },
  {
    api: 'scanQRCode',
    label: 'Scan a QR code',
    run: (callbacks) => wx.scanQRCode({ needResult: 1, scanType: ['qrCode', 'barCode'], ...callbacks }),
    describe: (res) => `Scanned: ${String(res.resultStr ?? '')}`,
  },
  {
    api: 'chooseImage',
    label: 'Choose an image',
    run: (callbacks) =>
      wx.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'], ...callbacks }),
    describe: (res) => {
      const ids = Array.isArray(res.localIds) ? res.localIds.map(String) : []
      return `Chose ${ids.length} image${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`
    },
  },
  {
    api: 'getLocation',
    label: 'Get my location',
    run: (callbacks) =>
      wx.getLocation({
        type: 'gcj02',
        ...callbacks,
        success: (res) => {
          lastLocation = { latitude: Number(res.latitude), longitude: Number(res.longitude) }
          callbacks.success(res)
        },
      }),
    describe: (res) =>
      `Latitude ${res.latitude}, longitude ${res.longitude} (accuracy ${res.accuracy ?? '?'} m)`,
  },
  {
    api: 'openLocation',
    label: 'Open it on a map',
    run: (callbacks) =>
      wx.openLocation({
        ...lastLocation,
        name: 'Tencent Binhai Building',
        address: '深圳市南山区海天二路33号',
        scale: 16,
        infoUrl: '',
        ...callbacks,
      }),
    describe: () => `Map opened at ${lastLocation.latitude}, ${lastLocation.longitude}`,
  },
]

/** Renders one cell per JS-SDK API in `#api-list`; each shows its result below its button. */
export function renderApiButtons(): void {
  const list = element('#api-list')
  for (const button of BUTTONS) {
    const cell = document.createElement('div')
    cell.className = 'weui-cell demo-api'
    cell.innerHTML = `
      <div class="weui-cell__bd">
        <p class="demo-api__label"></p>
        <p class="demo-api__name"></p>
        <p class="demo-api__result" data-testid="result-${button.api}" aria-live="polite"></p>
      </div>
      <div class="weui-cell__ft">
        <button type="button" class="weui-btn weui-btn_mini weui-btn_primary" data-testid="api-${button.api}">Try</button>
      </div>`
    element('.demo-api__label', cell).textContent = button.label
    element('.demo-api__name', cell).textContent = `wx.${button.api}`
    const result = element('.demo-api__result', cell)
    const trigger = element<HTMLButtonElement>('button', cell)
    trigger.disabled = true
    trigger.addEventListener('click', () => call(button, trigger, result))
    list.append(cell)
  }
}

/** Enables the buttons only while the page is verified. */
export function setApiButtonsEnabled(enabled: boolean): void {
  for (const trigger of document.querySelectorAll<HTMLButtonElement>('#api-list button')) {
    trigger.disabled = !enabled
    trigger.classList.toggle('weui-btn_disabled', !enabled)
  }
}

function call(button: ApiButton, trigger: HTMLButtonElement, result: HTMLElement): void {
  const show = (state: 'ok' | 'fail' | 'waiting', text: string) => {
    result.dataset.state = state
    result.textContent = text
  }
  let answered = false
  const answer = (state: 'ok' | 'fail', text: string) => {
    answered = true
    trigger.classList.remove('weui-btn_loading')
    show(state, text)
  }
  trigger.classList.add('weui-btn_loading')
  show('waiting', 'Waiting for WeChat…')
  setTimeout(() => {
    if (!answered) answer('fail', 'WeChat did not answer this call')
  }, ANSWER_TIMEOUT_MS)
  button.run({
    success: (res) => answer('ok', button.describe(res ?? {})),
    fail: (res) => answer('fail', res?.errMsg ?? `${button.api}:fail`),
    cancel: () => answer('fail', 'Cancelled'),
  })
}
