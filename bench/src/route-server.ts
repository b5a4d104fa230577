/**
 * The server under load, in its own process so autocannon's load generator does not share its CPU.
 * `node --import tsx route-server.ts wxkit|bare` with WXKIT_BASE_URL set; answers `{ port }` over IPC.
 *
 * - `wxkit`: `@wxkit/express`'s `GET /wechat/jssdk/config?url=…` (validation, origin check, signing).
 * - `bare`: the same Express app settings and the same path, answering a constant JSON body of the
 *   same size with the same headers: what Express costs by itself.
 */
import type { AddressInfo } from 'node:net'
import { Wechat } from '@wxkit/core'
import { DEFAULT_APP } from '@wxkit/emulator'
import { wechat } from '@wxkit/express'
import express from 'express'
import { PAGE_ORIGIN } from './route-paths.js'

const mode = process.argv[2]
const baseURL = process.env.WXKIT_BASE_URL
if (!baseURL || (mode !== 'wxkit' && mode !== 'bare')) {
  throw new Error('usage: WXKIT_BASE_URL=… route-server.ts wxkit|bare')
}

const client = new Wechat({ appId: DEFAULT_APP.appId, appSecret: DEFAULT_APP.appSecret, baseURL })
const app = express()
app.disable('x-powered-by')
app.set('etag', false)

if (mode === 'wxkit') {
  app.use(
    wechat({
      client,
      jssdk: { allowedOrigins: [PAGE_ORIGIN] },
      miniProgram: false,
      oauth: false,
      session: { secret: 'bench-secret-bench-secret-bench-secret' },
    }),
  )
} else {
  // A real config of the same shape, computed once: the constant body has exactly the route's size.
  const config = await client.getJsSdkConfig(`${PAGE_ORIGIN}/shop/item?id=42`)
  const body = JSON.stringify({
    appId: config.appId,
    timestamp: config.timestamp,
    nonceStr: config.nonceStr,
    signature: config.signature,
  })
  app.get('/wechat/jssdk/config', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    res.status(200).type('application/json').send(body)
  })
}

const server = app.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port })
})
server.keepAliveTimeout = 60_000
// Answered requests, so the parent can divide this process's CPU time by them.
let answered = 0
server.on('request', (_req, res) => res.on('finish', () => answered++))
process.on('message', (message) => {
  if (message === 'stop') server.close(() => process.exit(0))
  if (message === 'usage') {
    const { user, system } = process.cpuUsage()
    process.send?.({ usage: { cpuMicros: user + system, requests: answered } })
  }
})
