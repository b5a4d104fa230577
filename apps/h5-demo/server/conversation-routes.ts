import type { EmulatorControl } from '@wxkit/emulator'
import express, { type Request, type Response, Router } from 'express'
import type { DemoSendAnswer } from '../shared/push-summary.js'
import type { DemoPushSettings } from './demo-messages.js'
import { EMULATOR_TRANSPORT, summarizePush } from './push-summary.js'

/** Options of {@link conversationRoutes}. */
export interface ConversationRoutesOptions {
  /** The emulator that plays WeChat (and the visitor's phone). */
  emulator: EmulatorControl
  /** The demo's own push route, where the emulator delivers, e.g. `http://127.0.0.1:3000/wechat/messages`. */
  pushUrl: string
  /** The push settings the emulator's console "has" (the same the route was built with). */
  push: DemoPushSettings
}

/** A visitor's openid as the emulator makes them: `o` and 27 URL-safe characters. */
export const OPENID = /^o[A-Za-z0-9_-]{27}$/
/** WeChat caps a text message at 2048 bytes; the demo keeps to fewer characters. */
const MAX_TEXT = 600

/**
 * The Messages section (emulator mode): `POST /demo/messages/send { text, openid? }` has the emulator
 * deliver the visitor's text to the demo's push route as WeChat would (signed, encrypted, 5 s, retries),
 * and answers what came back ({@link DemoSendAnswer}). A visitor without an openid follows first, so the
 * `subscribe` welcome opens the conversation: only followers can message an Official Account.
 */
export function conversationRoutes(options: ConversationRoutesOptions): Router {
  const { emulator, pushUrl, push } = options
  const router = Router()
  router.post('/demo/messages/send', express.json({ limit: '4kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    const { text, openid } = (req.body ?? {}) as { text?: unknown; openid?: unknown }
    if (
      typeof text !== 'string' ||
      text.trim() === '' ||
      text.length > MAX_TEXT ||
      (openid !== undefined && (typeof openid !== 'string' || !OPENID.test(openid)))
    ) {
      res.status(400).json({
        error: {
          code: 'invalid_request',
          message: `text (1 to ${MAX_TEXT} characters) and an optional openid expected`,
        },
      })
      return
    }
    let visitor = openid
    let followed: DemoSendAnswer['followed']
    if (visitor === undefined) {
      const follow = await emulator.follow()
      visitor = follow.openid
      if (follow.push?.result !== undefined) followed = summarizePush(follow.push.result, EMULATOR_TRANSPORT)
    }
    const result = await emulator.pushMessage({
      url: pushUrl,
      token: push.token,
      ...(push.encodingAESKey === undefined ? {} : { encodingAESKey: push.encodingAESKey }),
      appid: push.appId,
      mode: EMULATOR_TRANSPORT.mode,
      format: EMULATOR_TRANSPORT.format,
      message: { MsgType: 'text', Content: text, FromUserName: visitor },
    })
    const answer: DemoSendAnswer = {
      openid: visitor,
      ...(followed === undefined ? {} : { followed }),
      message: summarizePush(result, EMULATOR_TRANSPORT),
    }
    res.json(answer)
  })
  return router
}
