import type { IncomingMessage, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { getRequestListener } from '@hono/node-server'
import type { Hono } from 'hono'
import { wechatErrorBody } from '../errors.js'
import type { EmulatorFault } from '../faults.js'
import type { EmulatorState } from '../state/emulator-state.js'
import { nginxErrorPage } from './nginx-page.js'
import { WECHAT_JSON_TYPE } from './wechat-json.js'

const CONTROL_PREFIX = '/__wxkit/'

/**
 * The node:http request listener: counts each request by path, plays an injected fault when one is queued
 * for the path (before normal handling), then hands the request to the Hono app. `/__wxkit/*` (control,
 * bridge, avatars) is neither counted nor faulted.
 */
export function createNodeListener(
  app: Hono,
  state: EmulatorState,
  closing: AbortSignal,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const handle = getRequestListener(app.fetch)
  return async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://emulator.invalid').pathname
    let fault: EmulatorFault | undefined
    if (!path.startsWith(CONTROL_PREFIX)) {
      state.calls.count(path)
      fault = state.faults.take(path)
    }
    if (fault && !(await playFault(fault, req, res, closing))) return
    await handle(req, res)
  }
}

/** Play `fault`; true when the request should then be answered normally (a delay). */
async function playFault(
  fault: EmulatorFault,
  req: IncomingMessage,
  res: ServerResponse,
  closing: AbortSignal,
): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      try {
        await sleep(fault.ms, undefined, { signal: closing })
        return true
      } catch {
        req.socket.destroy()
        return false
      }
    case 'reset':
      req.socket.destroy()
      return false
    case 'http':
      res.writeHead(fault.status, { 'Content-Type': 'text/html; charset=utf-8', Connection: 'close' })
      res.end(nginxErrorPage(fault.status))
      return false
    case 'malformed-json':
      res.writeHead(200, { 'Content-Type': WECHAT_JSON_TYPE, Connection: 'close' })
      res.end('{"errcode":0,"errmsg":"ok","access_tok')
      return false
    case 'errcode':
      res.writeHead(200, { 'Content-Type': WECHAT_JSON_TYPE, Connection: 'close' })
      res.end(JSON.stringify(wechatErrorBody(fault.errcode)))
      return false
  }
}
