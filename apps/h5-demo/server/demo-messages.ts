import { type WechatMessageLogger, WechatMessageServer, type WechatReply } from '@wxkit/core'
import type { DemoPushMode } from './config.js'

/** The console's push settings: the Token, the EncodingAESKey and the mode, for the app `appId`. */
export interface DemoPushSettings {
  token: string
  encodingAESKey?: string
  appId: string
  mode: DemoPushMode
}

/** What `help` answers, and what the page shows under the message box. */
export const COMMANDS_HELP =
  'Commands: "time" (the server’s clock), "news" (an article), "help". Anything else is echoed.'

/**
 * The demo's push handlers, the same in emulator and real mode: a follower's text is answered (an echo, or
 * one of the commands), `subscribe` (also from a parameter code) with a welcome, `SCAN` with a welcome back.
 * Mounted by `wechat({ messages })` at `/wechat/messages`.
 */
export function createDemoMessages(
  settings: DemoPushSettings,
  logger?: WechatMessageLogger,
): WechatMessageServer {
  const messages = new WechatMessageServer({
    token: settings.token,
    appId: settings.appId,
    ...(settings.encodingAESKey === undefined ? {} : { encodingAESKey: settings.encodingAESKey }),
    // Safe mode takes encrypted pushes only; compatible mode is the console's way from plain to safe.
    acceptPlaintext: settings.mode !== 'safe',
    ...(logger === undefined ? {} : { logger }),
  })
  messages.on('text', (message) => answerText(message.Content))
  messages.on('event.subscribe', (event) => {
    const scene = String(event.EventKey ?? '').replace(/^qrscene_/, '')
    return scene === ''
      ? `Welcome! Thanks for following. ${COMMANDS_HELP}`
      : `Welcome! You followed by scanning the code for ${scene}.`
  })
  messages.on(
    'event.SCAN',
    (event) => `Welcome back! You scanned the code for ${String(event.EventKey)} again.`,
  )
  return messages
}

/** An echo, or the answer to a command (matched without case or surrounding spaces). */
function answerText(content: string): WechatReply {
  switch (content.trim().toLowerCase()) {
    case 'help':
      return COMMANDS_HELP
    case 'time':
      return `Server time: ${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`
    case 'news':
      // One article: WeChat allows no more when answering a user's message.
      return {
        type: 'news',
        articles: [
          {
            title: 'wxkit: WeChat for TypeScript servers',
            description: 'JS-SDK signing, OAuth, Mini Programs and message push, tested against an emulator.',
            url: 'https://github.com/wxkit/wxkit',
          },
        ],
      }
    default:
      return `You said: ${content}`
  }
}
