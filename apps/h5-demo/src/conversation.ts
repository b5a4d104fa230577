import type { DemoPushSummary, DemoReply } from '../shared/push-summary.js'
import { byTestId } from './dom.js'

/** The visitor as WeChat knows them once they follow (a scan or a first message); shared by both cards. */
let visitorOpenid: string | undefined

export function currentOpenid(): string | undefined {
  return visitorOpenid
}

export function rememberOpenid(openid: string): void {
  if (visitorOpenid === undefined) bubble('system', `You follow the account as ${openid}`)
  visitorOpenid = openid
}

/** The visitor's side: a message they sent or an event they caused (a follow, a scan). */
export function showVisitor(text: string): void {
  bubble('user', text)
}

/**
 * The account's side of one push: the reply as WeChat shows it (text, an article, nothing for `success`,
 * or the notice the user sees when no try gave a usable answer), with the mode and the tries underneath.
 */
export function showDelivery(summary: DemoPushSummary): void {
  const item =
    summary.reply === undefined ? bubble('system', summary.userNotice ?? '(no answer)') : reply(summary.reply)
  const meta = document.createElement('small')
  meta.className = 'demo-bubble__meta'
  meta.textContent = deliveryNote(summary)
  item.append(meta)
}

/** `safe mode · XML · 1 attempt (HTTP 200, 9 ms)`: how the push travelled. */
export function deliveryNote(summary: DemoPushSummary): string {
  const tries = summary.attempts
    .map(({ status, ms }) => `${status === 0 ? 'no answer' : `HTTP ${status}`}, ${ms} ms`)
    .join('; ')
  const count = summary.attempts.length
  return `${summary.mode} mode · ${summary.format.toUpperCase()} · ${count} attempt${count === 1 ? '' : 's'} (${tries})`
}

function reply(answer: DemoReply): HTMLElement {
  switch (answer.kind) {
    case 'text':
      return bubble('account', answer.text)
    case 'news': {
      const item = bubble('account', '')
      for (const article of answer.articles) {
        const title = document.createElement(article.url === undefined ? 'strong' : 'a')
        title.className = 'demo-article__title'
        title.textContent = article.title
        if (title instanceof HTMLAnchorElement && article.url !== undefined) {
          title.href = article.url
          title.target = '_blank'
          title.rel = 'noopener'
        }
        const text = item.querySelector('.demo-bubble__text') as HTMLElement
        text.append(title)
        if (article.description !== undefined) {
          const description = document.createElement('span')
          description.className = 'demo-article__description'
          description.textContent = article.description
          text.append(description)
        }
      }
      return item
    }
    case 'none':
      return bubble('system', 'The account answered success: no reply to show.')
    case 'other':
      return bubble('account', `(a ${answer.type} reply)`)
  }
}

function bubble(from: 'user' | 'account' | 'system', text: string): HTMLElement {
  const item = document.createElement('div')
  item.className = `demo-bubble demo-bubble_${from}`
  item.dataset.from = from
  const body = document.createElement('p')
  body.className = 'demo-bubble__text'
  body.textContent = text
  item.append(body)
  const conversation = byTestId('conversation')
  conversation.append(item)
  item.scrollIntoView?.({ block: 'nearest' })
  return item
}
