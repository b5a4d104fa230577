import type { EmulatorControl } from '@wxkit/emulator'
import express, { type NextFunction, type Request, type Response, Router } from 'express'
import '@wxkit/express'
import { OPENID } from './conversation-routes.js'
import { EMULATOR_TRANSPORT, summarizePush } from './push-summary.js'

/** Options of {@link followRoutes}. */
export interface FollowRoutesOptions {
  /** Emulator mode: the control that plays the visitor scanning the code. */
  emulator?: EmulatorControl
}

/**
 * The "Follow" card's server side:
 * - `POST /demo/follow/code`: a temporary parameter QR code (`createQrCodeTicket`, 10 minutes) for this
 *   visitor, answered as `{ scene, imageUrl, expireSeconds, canScan }` (`imageUrl` from `qrCodeImageUrl`).
 * - `POST /demo/follow/scan { ticket, openid? }` (emulator mode): the emulator scans it as a WeChat user
 *   would; WeChat's `subscribe` / `SCAN` push reaches the demo's push route (`/wechat/messages`), and its
 *   delivery (the welcome, the tries) comes back here for the Messages conversation.
 */
export function followRoutes(options: FollowRoutesOptions): Router {
  const router = Router()
  router.post('/demo/follow/code', async (req: Request, res: Response, next: NextFunction) => {
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
      next(error) // wechatErrorHandler() answers it like the middleware's routes
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
    const delivery = result.push?.result
    res.json({
      openid: result.openid,
      event: result.event,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      eventKey: result.push?.event.EventKey,
      ...(delivery === undefined ? {} : { push: summarizePush(delivery, EMULATOR_TRANSPORT) }),
    })
  })

  return router
}
