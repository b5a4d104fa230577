import type { PushResult } from '@wxkit/emulator'
import type { DemoPushSummary, DemoReply } from '../shared/push-summary.js'

/** How the emulator pushes to the demo: the settings its console "has". */
export interface DemoPushTransport {
  mode: DemoPushSummary['mode']
  format: DemoPushSummary['format']
}

/** How the embedded emulator pushes to the demo: safe mode and XML, as an Official Account's console recommends. */
export const EMULATOR_TRANSPORT: DemoPushTransport = { mode: 'safe', format: 'xml' }

/** The page's view of one delivery: the parsed reply, the tries and the user notice. */
export function summarizePush(result: PushResult, transport: DemoPushTransport): DemoPushSummary {
  return {
    ...(result.reply === undefined ? {} : { reply: describeReply(result.reply) }),
    mode: transport.mode,
    format: transport.format,
    attempts: result.attempts.map(({ status, ms }) => ({ status, ms })),
    ...(result.userNotice === undefined ? {} : { userNotice: result.userNotice }),
  }
}

/** A reply as WeChat parsed it (`MsgType`, `Content`, `Articles.item` …) in the conversation's terms. */
function describeReply(reply: NonNullable<PushResult['reply']>): DemoReply {
  if (typeof reply === 'string') return { kind: 'none' }
  if (reply.MsgType === 'text') return { kind: 'text', text: String(reply.Content ?? '') }
  if (reply.MsgType === 'news') {
    const items = (reply.Articles as { item?: Record<string, unknown>[] } | undefined)?.item ?? []
    return {
      kind: 'news',
      articles: items.map((item) => ({
        title: String(item.Title ?? ''),
        ...(item.Description === undefined ? {} : { description: String(item.Description) }),
        ...(item.Url === undefined ? {} : { url: String(item.Url) }),
      })),
    }
  }
  return { kind: 'other', type: String(reply.MsgType) }
}
