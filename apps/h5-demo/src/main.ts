import 'weui/dist/style/weui.css'
import { jssdkSignUrl } from '@wxkit/express/client'
import './style.css'
import { renderApiButtons, setApiButtonsEnabled } from './api-buttons.js'
import { byTestId } from './dom.js'
import { setUpFollow } from './follow.js'
import { setUpMessages } from './messages.js'
import { setUpPay } from './pay.js'
import { setUpQrCode } from './qr-code.js'
import { setUpRouter } from './router.js'
import { setUpSignIn } from './sign-in.js'
import { showStatus } from './status.js'
import { configureWx } from './wx-config.js'

const mode = document.querySelector<HTMLMetaElement>('meta[name="wxkit-mode"]')?.content ?? 'wechat'
const emulated = mode === 'emulator'
let signedUrl: string | undefined

if (emulated) {
  const banner = byTestId('mode-banner')
  banner.textContent =
    'Running on the embedded WeChat emulator: signatures, sign-in and codes are real, the WeChat app is simulated.'
  banner.hidden = false
}

renderApiButtons()
setUpPay()
setUpSignIn()
setUpQrCode()
setUpFollow()
setUpMessages(emulated)
setUpRouter(() => void sign())
void sign()

/** Signs the URL WeChat checks, unless it is the one signed already, and shows how `wx.config` went. */
async function sign(): Promise<void> {
  const url = jssdkSignUrl()
  const note = byTestId('route-note')
  if (url === signedUrl) {
    note.textContent =
      url === location.href.split('#')[0]
        ? 'Same URL as before: no new signature needed.'
        : 'iOS WeChat keeps verifying the landing URL: no new signature needed.'
    return
  }
  signedUrl = url
  note.textContent = ''
  setApiButtonsEnabled(false)
  showStatus('pending', 'Signing the page…', 'Asking the server for a JS-SDK signature.', url)

  const outcome = await configureWx((message) => {
    signedUrl = undefined
    setApiButtonsEnabled(false)
    showStatus('error', 'WeChat rejected the signature', message)
  })
  if (!outcome.isCurrent()) return
  switch (outcome.status) {
    case 'ready':
      setApiButtonsEnabled(true)
      showStatus(
        'ready',
        'JS-SDK ready',
        emulated ? 'wx.config verified by the emulator, as WeChat would.' : 'wx.config verified by WeChat.',
      )
      break
    case 'error':
      signedUrl = undefined
      showStatus('error', 'wx.config failed', outcome.message)
      break
    case 'not-wechat':
      showStatus(
        'not-wechat',
        emulated ? 'The emulator bridge did not load' : 'Open this page in WeChat',
        emulated
          ? 'bridge.js from the embedded emulator did not run, so this browser looks like a normal browser. Restart the demo and reload.'
          : 'The JS-SDK only works inside the WeChat app: send this link to a chat and open it there.',
        '',
      )
      break
  }
}
