import { readFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import { join } from 'node:path'
import type { WechatConfig, WechatMessageServer } from '@wxkit/core'
import { wechat, wechatErrorHandler } from '@wxkit/express'
import express, { type Express, type NextFunction, type Request, type Response } from 'express'
import { JS_API_LIST } from '../shared/js-api-list.js'
import type { DemoMode } from './config.js'
import { type ConversationRoutesOptions, conversationRoutes } from './conversation-routes.js'
import { type FollowRoutesOptions, followRoutes } from './follow-routes.js'
import { renderPageHtml } from './page-html.js'
import { type PayRoutesOptions, payRoutes } from './pay-routes.js'
import { qrCodeRoute } from './qr-code-route.js'

/** Where the page's assets come from: Vite's dev server (source, hot reload) or the built `dist/client`. */
export type DemoAssets = 'vite' | 'dist'

/** Options for {@link createDemoApp}. */
export interface DemoAppOptions {
  mode: DemoMode
  /** The client configuration the middleware builds its shared `Wechat` from. */
  wechat: WechatConfig
  /** Emulator mode: the `bridge.js` the page loads before jweixin. */
  bridgeUrl?: string
  /** The canonical origin (`publicUrl` of `wechat()`); undefined means the request's own (development). */
  publicUrl?: string
  /** Page origins allowed to ask for a JS-SDK signature; undefined means the request's own origin. */
  allowedOrigins?: string[]
  sessionSecret: string
  assets: DemoAssets
  /** The app's folder (where `index.html` and `dist/` live). */
  appRoot: string
  /** With `assets: 'dist'`: where `vite build` put the page. @default `<appRoot>/dist/client` */
  clientDir?: string
  /** The HTTP server the app will run on; Vite attaches its hot-reload WebSocket to it. */
  httpServer?: Server
  /** The Follow card (parameter QR codes); without it the card's routes are absent. */
  follow?: FollowRoutesOptions
  /** WeChat's push, mounted by `wechat({ messages })` at `/wechat/messages`; without it the route is off. */
  messages?: WechatMessageServer
  /** Emulator mode: the Messages section's `POST /demo/messages/send`, which has the emulator push. */
  conversation?: ConversationRoutesOptions
  /**
   * The Pay card: with a merchant, `wechat({ pay })` mounts WeChat Pay's notifications at
   * `/wechat/pay/notify` and `/demo/pay/*` orders; without one the card says `unavailable`.
   */
  pay?: PayRoutesOptions
}

/** The demo's Express app and what must be closed with it. */
export interface DemoApp {
  app: Express
  close(): Promise<void>
}

/** Paths that belong to the server, never to the single-page app's fallback. */
const SERVER_PATHS = /^\/(wechat|demo|@vite|@fs|@id|node_modules|src)(\/|$)/

/**
 * Builds the demo server: `@wxkit/express` under `/wechat` (with the push route at `/wechat/messages` and
 * WeChat Pay's notifications at `/wechat/pay/notify`), the Mini Program code, Follow, Messages and Pay
 * routes under `/demo`, and the page — from Vite in middleware mode, or from `dist/client` after `vite build` — with every other
 * HTML navigation answered by the page, so `history.pushState` URLs survive a reload.
 */
export async function createDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  const app = express()
  const pay = options.pay?.pay
  app.disable('x-powered-by')
  // A reverse proxy or tunnel on this machine (nginx, a tunnel agent) may tell us the public scheme/host.
  app.set('trust proxy', 'loopback')

  app.use(
    wechat({
      config: options.wechat,
      ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
      jssdk: {
        jsApiList: [...JS_API_LIST],
        ...(options.allowedOrigins === undefined ? {} : { allowedOrigins: options.allowedOrigins }),
      },
      oauth: { scope: 'snsapi_userinfo', defaultReturnTo: '/' },
      session: { secret: options.sessionSecret },
      ...(options.messages === undefined ? {} : { messages: options.messages }),
      // Verified over the raw bytes, decrypted, and run once per notification id (the session store).
      ...(pay === undefined ? {} : { pay: { client: pay.client, onTransaction: pay.orders.recordPayment } }),
    }),
  )
  app.get('/demo/qrcode', qrCodeRoute)
  if (options.follow !== undefined) app.use(followRoutes(options.follow))
  if (options.conversation !== undefined) app.use(conversationRoutes(options.conversation))
  app.use(payRoutes(options.pay ?? {}))
  // What WeChat refused in the demo's own routes is answered as the middleware's routes answer it.
  app.use(wechatErrorHandler())

  const context = {
    mode: options.mode,
    ...(options.bridgeUrl === undefined ? {} : { bridgeUrl: options.bridgeUrl }),
  }
  let renderPage: (url: string) => Promise<string>
  let close = async (): Promise<void> => {}

  if (options.assets === 'vite') {
    const { createServer } = await import('vite')
    const vite = await createServer({
      root: options.appRoot,
      appType: 'custom',
      server: {
        middlewareMode: true,
        // No speculative transforms of the page's imports: the browser asks for them a moment later anyway,
        // and a Ctrl-C during one made Vite log "Pre-transform error: The service was stopped".
        preTransformRequests: false,
        hmr: options.httpServer === undefined ? false : { server: options.httpServer },
      },
    })
    app.use(vite.middlewares)
    const templatePath = join(options.appRoot, 'index.html')
    renderPage = async (url) =>
      vite.transformIndexHtml(url, renderPageHtml(await readFile(templatePath, 'utf8'), context))
    close = () => vite.close()
  } else {
    const clientDir = options.clientDir ?? join(options.appRoot, 'dist', 'client')
    const template = await readFile(join(clientDir, 'index.html'), 'utf8').catch(() => {
      throw new Error(
        `apps/h5-demo: ${clientDir}/index.html is missing; run \`pnpm --filter @wxkit/h5-demo build\` first`,
      )
    })
    const html = renderPageHtml(template, context)
    app.use(express.static(clientDir, { index: false, maxAge: '1h', immutable: false }))
    renderPage = async () => html
  }

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      SERVER_PATHS.test(req.path) ||
      !req.accepts('html')
    ) {
      next()
      return
    }
    res
      .set('Cache-Control', 'no-store')
      .type('html')
      .send(await renderPage(req.originalUrl))
  })
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'not_found', message: 'Not found' } })
  })
  return { app, close }
}
