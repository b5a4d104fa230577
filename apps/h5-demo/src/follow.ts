import { byTestId } from './dom.js'

interface FollowCode {
  scene: string
  ticket: string
  imageUrl: string
  expireSeconds: number
  canScan: boolean
}

interface ScanAnswer {
  openid: string
  event: 'subscribe' | 'SCAN' | null
  reason?: string
  eventKey?: string
  reply?: string
}

let code: FollowCode | undefined
/** The visitor as WeChat knows them after the first scan, so a second scan is a follower's SCAN. */
let openid: string | undefined

/** Wires the Follow card: a parameter QR code for this visitor and, in emulator mode, a simulated scan. */
export function setUpFollow(): void {
  byTestId('follow-button').addEventListener('click', () => void makeCode())
  byTestId('scan-button').addEventListener('click', () => void scan())
}

async function makeCode(): Promise<void> {
  const button = byTestId<HTMLButtonElement>('follow-button')
  button.disabled = true
  showError(undefined)
  try {
    const response = await fetch('/demo/follow/code', { method: 'POST', cache: 'no-store' })
    const body = (await response.json().catch(() => undefined)) as
      | (FollowCode & { error?: { message?: string } })
      | undefined
    if (!response.ok || body === undefined || body.error !== undefined) {
      showError(body?.error?.message ?? `The server answered HTTP ${response.status}.`)
      return
    }
    code = body
    openid = undefined
    byTestId<HTMLImageElement>('follow-image').src = body.imageUrl
    byTestId('follow-caption').textContent =
      `scene ${body.scene} · valid ${Math.round(body.expireSeconds / 60)} minutes`
    byTestId('follow-code').hidden = false
    byTestId('scan-button').hidden = !body.canScan
    byTestId('follow-conversation').replaceChildren()
  } catch {
    showError('The server could not be reached.')
  } finally {
    button.disabled = false
  }
}

async function scan(): Promise<void> {
  if (code === undefined) return
  const button = byTestId<HTMLButtonElement>('scan-button')
  button.disabled = true
  try {
    const response = await fetch('/demo/follow/scan', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: code.ticket, ...(openid === undefined ? {} : { openid }) }),
    })
    const answer = (await response.json()) as ScanAnswer & { error?: { message?: string } }
    if (!response.ok) {
      showError(answer.error?.message ?? `The server answered HTTP ${response.status}.`)
      return
    }
    openid = answer.openid
    if (answer.event === null) {
      bubble('system', `Nothing was pushed: ${answer.reason ?? 'the code cannot be used'}`)
      return
    }
    bubble(
      'user',
      `${answer.event === 'subscribe' ? 'Followed' : 'Scanned again'} (${answer.event}, EventKey ${answer.eventKey ?? ''})`,
    )
    bubble('account', answer.reply ?? '(no reply)')
  } catch {
    showError('The server could not be reached.')
  } finally {
    button.disabled = false
  }
}

function bubble(from: 'user' | 'account' | 'system', text: string): void {
  const item = document.createElement('p')
  item.className = `demo-bubble demo-bubble_${from}`
  item.dataset.from = from
  item.textContent = text
  byTestId('follow-conversation').append(item)
}

function showError(message: string | undefined): void {
  const error = byTestId('follow-error')
  error.hidden = message === undefined
  error.textContent = message ?? ''
}
