import type { DemoPushSummary } from '../shared/push-summary.js'
import { currentOpenid, rememberOpenid, showDelivery, showVisitor } from './conversation.js'
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
  push?: DemoPushSummary
}

let code: FollowCode | undefined

/**
 * Wires the Follow card: a parameter QR code for this visitor and, in emulator mode, a simulated scan. The
 * visitor is the one of the Messages section (a follower scanning again pushes SCAN), and the pushed event
 * and its welcome appear in that conversation.
 */
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
    byTestId<HTMLImageElement>('follow-image').src = body.imageUrl
    byTestId('follow-caption').textContent =
      `scene ${body.scene} · valid ${Math.round(body.expireSeconds / 60)} minutes`
    byTestId('follow-code').hidden = false
    byTestId('scan-button').hidden = !body.canScan
    byTestId('follow-result').hidden = true
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
    const openid = currentOpenid()
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
    byTestId('follow-result').hidden = false
    byTestId('follow-result-link').hidden = answer.event === null
    if (answer.event === null) {
      byTestId('follow-result-text').textContent =
        `Nothing was pushed: ${answer.reason ?? 'the code cannot be used'}.`
      return
    }
    rememberOpenid(answer.openid)
    showVisitor(
      `${answer.event === 'subscribe' ? 'Followed' : 'Scanned again'} (${answer.event}, EventKey ${answer.eventKey ?? ''})`,
    )
    if (answer.push !== undefined) showDelivery(answer.push)
    byTestId('follow-result-text').textContent =
      `WeChat pushed ${answer.event} to the demo's push route; its answer is in the conversation.`
  } catch {
    showError('The server could not be reached.')
  } finally {
    button.disabled = false
  }
}

function showError(message: string | undefined): void {
  const error = byTestId('follow-error')
  error.hidden = message === undefined
  error.textContent = message ?? ''
}
