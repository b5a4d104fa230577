import { isWechatError, WechatMessageServer } from '@wxkit/core'
import type { EmulatorControl } from '@wxkit/emulator'
import express, { type Request, type Response, Router } from 'express'
import '@wxkit/express'

/** The push route's console settings: the Token and EncodingAESKey entered in WeChat's console. */
export interface PushKeys {
  token: string
  encodingAESKey: string
  appId: string
}

/** Options of {@link followRoutes}. */
export interface FollowRoutesOptions {
  push: PushKeys
  /** Emulator mode: the control that plays the visitor scanning the code. */
  emulator?: EmulatorControl
}

const OPENID = /^o[A-Za-z0-9_-]{27}$/

/**
 * The "Follow" card's server side:
 * - `POST /demo/follow/code`: a temporary parameter QR code (`createQrCodeTicket`, 10 minutes) for this
 *   visitor, answered as `{ scene, imageUrl, expireSeconds, canScan }` (`imageUrl` from `qrCodeImageUrl`).
 * - `POST /demo/follow/scan { ticket, openid? }` (emulator mode): the emulator scans it as a WeChat user
 *   would; WeChat's `subscribe` / `SCAN` push reaches `/demo/push`, whose reply comes back here.
 * - `GET|POST /demo/push`: the push route (`WechatMessageServer`) that answers a follow with a welcome.
 */
export function followRoutes(options: FollowRoutesOptions): Router {
  const messages = new WechatMessageServer(options.push)
  messages.on('event.subscribe', (event) => {
    const scene = String(event.EventKey ?? '').replace(/^qrscene_/, '')
    return scene === ''
      ? 'Welcome! Thanks for following.'
      : `Welcome! You followed by scanning the code for ${scene}.`
  })
  messages.on(
    'event.SCAN',
    (event) => `Welcome back! You scanned the code for ${String(event.EventKey)} again.`,
  )

  const router = Router()
  router.all('/demo/push', express.raw({ type: () => true, limit: messages.bodyLimit }), async (req, res) => {
    const answer = await messages.handle({
      method: req.method,
      query: new URL(req.originalUrl, 'http://demo.invalid').searchParams,
      body: Buffer.isBuffer(req.body) ? req.body : undefined,
    })
    res.status(answer.status).set(answer.headers).send(answer.body)
  })

  router.post('/demo/follow/code', async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    const scene = `visitor-${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`
    try {
      const { ticket, expire_seconds } = await req.wechat.createQrCodeTicket({
        action_name: 'QR_STR_SCENE',
        expire_seconds: 600,
        action_info: { scene: { scene_str: scene } },
      })
      res.json({
        scene,
        ticket,
        imageUrl: req.wechat.qrCodeImageUrl(ticket),
        expireSeconds: expire_seconds,
        canScan: options.emulator !== undefined,
      })
    } catch (error) {
      const message = isWechatError(error)
        ? `WeChat answered ${error.errcode}: ${error.errmsg}`
        : 'WeChat could not be reached'
      res.status(502).json({ error: { code: 'upstream_error', message } })
    }
  })

  router.post('/demo/follow/scan', express.json({ limit: '4kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store')
    const { ticket, openid } = (req.body ?? {}) as { ticket?: unknown; openid?: unknown }
    if (options.emulator === undefined) {
      res
        .status(404)
        .json({ error: { code: 'not_found', message: 'Scanning is simulated in emulator mode only' } })
      return
    }
    if (
      typeof ticket !== 'string' ||
      ticket.length > 200 ||
      (openid !== undefined && (typeof openid !== 'string' || !OPENID.test(openid)))
    ) {
      res
        .status(400)
        .json({ error: { code: 'invalid_request', message: 'ticket (and openid, if given) expected' } })
      return
    }
    const result = await options.emulator.scanQrCode({ ticket, ...(openid === undefined ? {} : { openid }) })
    const reply = result.push?.result?.reply
    res.json({
      openid: result.openid,
      event: result.event,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      eventKey: result.push?.event.EventKey,
      reply: typeof reply === 'object' && typeof reply.Content === 'string' ? reply.Content : undefined,
    })
  })

  return router
}
