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
    try {
      const path = requestPath(req.url)
      if (path === undefined) return badRequest(res)
      let fault: EmulatorFault | undefined
      if (!path.startsWith(CONTROL_PREFIX)) {
        state.calls.count(path)
        fault = state.faults.take(path)
      }
      if (fault && !(await playFault(fault, req, res, closing))) return
      await handle(req, res)
    } catch (error) {
      // Never let one odd request reject this listener: node:http would report an unhandled rejection,
      // which ends the process by default, and the request would hang.
      console.error('@wxkit/emulator internal error:', error)
      if (res.headersSent) req.socket.destroy()
      else badRequest(res)
    }
  }
}

/**
 * The path of a request target, as `counters().calls` and faults key it: the URL path without query.
 * `undefined` for a target no URL parser accepts (e.g. `//`, or an absolute-form URL with a broken host).
 */
function requestPath(target: string | undefined): string | undefined {
  const raw = target ?? '/'
  try {
    return new URL(raw, 'http://emulator.invalid').pathname
  } catch {
    return raw.startsWith('/') ? (raw.split(/[?#]/, 1)[0] ?? raw) : undefined
  }
}

function badRequest(res: ServerResponse): void {
  res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
  res.end('400 Bad Request')
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
