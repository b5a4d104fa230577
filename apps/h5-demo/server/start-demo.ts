import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { WechatConfig, WechatMessageServer } from '@wxkit/core'
import { DEFAULT_APP, type EmulatorControl, startEmulator } from '@wxkit/emulator'
import type { DemoConfig, DemoMode } from './config.js'
import { createDemoApp, type DemoApp, type DemoAssets } from './create-demo-app.js'
import { createDemoMessages, type DemoPushSettings } from './demo-messages.js'
import { setUpDemoPay } from './demo-pay.js'
import { EMULATOR_TRANSPORT } from './push-summary.js'

/** The push settings the embedded emulator's console "has": a token and key only this demo uses. */
const EMULATOR_PUSH: DemoPushSettings = {
  token: 'wxkitDemoPush1',
  encodingAESKey: randomBytes(32)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, 'A')
    .slice(0, 43),
  appId: DEFAULT_APP.appId,
  mode: EMULATOR_TRANSPORT.mode,
}

/** Where WeChat (or the emulator) pushes: `wechat({ messages })` mounts the push route here. */
export const PUSH_PATH = '/wechat/messages'

/** Options for {@link startDemo}. */
export interface StartDemoOptions {
  config: DemoConfig
  assets: DemoAssets
  /** Interface to listen on. @default all interfaces */
  host?: string
  /** With `assets: 'dist'`: where the built page is. @default `<app>/dist/client` */
  clientDir?: string
}

/** A running demo. */
export interface RunningDemo {
  /** The page's URL, to open in a browser. */
  url: string
  mode: DemoMode
  /** The embedded emulator (emulator mode only): its base URL and its control API. */
  emulator?: { url: string; control: EmulatorControl }
  /** Lines worth printing at start-up: what runs where, and what to set to change it. */
  notes: string[]
  close(): Promise<void>
}

/**
 * Starts the demo: the embedded emulator when the configuration has no credentials, then the Express
 * app on `config.port` (0 picks a free port).
 */
export async function startDemo(options: StartDemoOptions): Promise<RunningDemo> {
  const { config } = options
  const notes: string[] = []
  const emulator =
    config.mode === 'emulator' ? await startEmulator({ host: '127.0.0.1', port: 0 }) : undefined
  let wechatConfig: WechatConfig
  let messages: WechatMessageServer | undefined
  if (emulator !== undefined) {
    messages = createDemoMessages(EMULATOR_PUSH)
    wechatConfig = {
      ...DEFAULT_APP,
      baseURL: emulator.apiBaseUrl,
      oauthBaseURL: emulator.oauthBaseUrl,
      mpBaseURL: emulator.mpBaseUrl,
    }
    notes.push(
      `mode: embedded WeChat emulator at ${emulator.url} (app ${DEFAULT_APP.appId})`,
      'set WECHAT_APP_ID and WECHAT_APP_SECRET to talk to WeChat instead (see apps/h5-demo/README.md)',
    )
  } else if (config.wechat !== undefined) {
    wechatConfig = { ...config.wechat }
    notes.push(
      `mode: WeChat, app ${config.wechat.appId}, API ${config.wechat.baseURL ?? 'https://api.weixin.qq.com'}`,
    )
    if (config.push !== undefined) {
      messages = createDemoMessages({ ...config.push, appId: config.wechat.appId })
      notes.push(`push route: ${PUSH_PATH} (${config.push.mode} mode); enter its public URL in the console`)
    } else {
      notes.push(`WECHAT_PUSH_TOKEN is not set: the push route ${PUSH_PATH} is off`)
    }
  } else {
    throw new Error('apps/h5-demo: real mode needs WeChat credentials')
  }

  const pay = setUpDemoPay(config, emulator)
  notes.push(...pay.notes)

  let sessionSecret = config.sessionSecret
  if (sessionSecret === undefined) {
    sessionSecret = randomBytes(32).toString('base64url')
    if (config.mode === 'wechat')
      notes.push('SESSION_SECRET is not set: sign-ins end when the server restarts')
  }

  const httpServer = createServer()
  // Every socket, including upgraded ones (Vite's hot-reload WebSocket from an open tab), which
  // closeAllConnections() does not track: close() must not wait for the user to close the browser.
  const sockets = new Set<Socket>()
  httpServer.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject)
      httpServer.listen(config.port, options.host, () => resolve())
    })
  } catch (error) {
    await emulator?.close()
    throw error
  }
  const { port } = httpServer.address() as AddressInfo
  const url = `http://localhost:${port}/`

  // In production `wechat()` wants a canonical origin: the embedded emulator's demo is this machine's.
  const publicUrl =
    config.publicUrl ??
    (emulator !== undefined && process.env.NODE_ENV === 'production' ? new URL(url).origin : undefined)
  let demo: DemoApp
  try {
    demo = await createDemoApp({
      mode: config.mode,
      ...(publicUrl === undefined ? {} : { publicUrl }),
      wechat: wechatConfig,
      ...(emulator === undefined ? {} : { bridgeUrl: `${emulator.url}/__wxkit/bridge.js` }),
      ...(config.extraOrigins.length === 0
        ? {}
        : {
            allowedOrigins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`, ...config.extraOrigins],
          }),
      sessionSecret,
      ...(messages === undefined ? {} : { messages }),
      // The emulator plays the visitor: scanning the Follow card's code, typing in the Messages section.
      ...(emulator === undefined
        ? {}
        : {
            follow: { emulator: emulator.control },
            conversation: {
              emulator: emulator.control,
              pushUrl: `http://127.0.0.1:${port}${PUSH_PATH}`,
              push: EMULATOR_PUSH,
            },
          }),
      pay: pay.routes,
      assets: options.assets,
      appRoot: findAppRoot(),
      ...(options.clientDir === undefined ? {} : { clientDir: options.clientDir }),
      httpServer,
    })
  } catch (error) {
    // Leave nothing listening: the caller gets the error, not a half-started demo.
    await new Promise<void>((resolve) => httpServer.close(() => resolve()))
    await emulator?.close()
    throw error
  }
  httpServer.on('request', demo.app)
  // The events the emulator makes itself (subscribe after a scan or a follow, SCAN) go to the same route.
  await emulator?.control.configurePush({
    url: `http://127.0.0.1:${port}${PUSH_PATH}`,
    token: EMULATOR_PUSH.token,
    ...(EMULATOR_PUSH.encodingAESKey === undefined ? {} : { encodingAESKey: EMULATOR_PUSH.encodingAESKey }),
    mode: EMULATOR_TRANSPORT.mode,
    format: EMULATOR_TRANSPORT.format,
  })
  await pay.listening(port)

  return {
    url,
    mode: config.mode,
    ...(emulator === undefined ? {} : { emulator: { url: emulator.url, control: emulator.control } }),
    notes,
    async close() {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()))
      // Vite first: it says goodbye on its WebSocket, then nothing may keep the server open.
      await demo.close()
      for (const socket of sockets) socket.destroy()
      await closed
      await emulator?.close()
    },
  }
}

/** The folder holding this app's package.json, from wherever this file runs (source or `dist/server`). */
function findAppRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('apps/h5-demo: cannot find the app folder')
    dir = parent
  }
  return dir
}
