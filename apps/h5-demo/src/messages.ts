import type { DemoSendAnswer } from '../shared/push-summary.js'
import { currentOpenid, rememberOpenid, showDelivery, showVisitor } from './conversation.js'
import { byTestId, element } from './dom.js'

/**
 * Wires the Messages section. In emulator mode the visitor types as a follower: the demo server has the
 * emulator push the text to the demo's push route (`POST /demo/messages/send`) and the reply appears
 * here. In real mode the same route answers WeChat itself, so the page only says how to reach it.
 */
export function setUpMessages(emulated: boolean): void {
  byTestId('messages-intro').textContent = emulated
    ? 'You are a follower of the account. The demo server has the emulator push what you type to its push route /wechat/messages as WeChat would (safe mode: XML, encrypted and signed; 5 s per try, up to 3 tries), and the reply comes back here. Try time, news or help.'
    : 'Follow the Official Account in WeChat and send it a message: WeChat pushes it to this demo’s /wechat/messages, which answers here in WeChat (time, news, help, or an echo).'
  const form = element<HTMLFormElement>('#message-form')
  form.hidden = !emulated
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void send()
  })
}

async function send(): Promise<void> {
  const input = byTestId<HTMLInputElement>('message-input')
  const button = byTestId<HTMLButtonElement>('message-send')
  const text = input.value.trim()
  if (text === '') return
  showError(undefined)
  button.disabled = true
  button.classList.add('weui-btn_loading')
  try {
    const openid = currentOpenid()
    const response = await fetch('/demo/messages/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, ...(openid === undefined ? {} : { openid }) }),
    })
    const answer = (await response.json().catch(() => undefined)) as
      | (DemoSendAnswer & { error?: { message?: string } })
      | undefined
    if (!response.ok || answer === undefined || answer.error !== undefined) {
      showError(answer?.error?.message ?? `The server answered HTTP ${response.status}.`)
      return
    }
    rememberOpenid(answer.openid)
    if (answer.followed !== undefined) {
      showVisitor('Followed the account (subscribe)')
      showDelivery(answer.followed)
    }
    showVisitor(text)
    showDelivery(answer.message)
    input.value = ''
  } catch {
    showError('The server could not be reached.')
  } finally {
    button.disabled = false
    button.classList.remove('weui-btn_loading')
    input.focus()
  }
}

function showError(message: string | undefined): void {
  const error = byTestId('message-error')
  error.hidden = message === undefined
  error.textContent = message ?? ''
}
