import { type WechatMessageLogger, WechatMessageServer, type WechatMessageServerOptions } from '@wxkit/core'
import { TOKEN } from '../../../core/test/push-fixture.js'
import { DEFAULT_APP } from './emulator.js'

/** What the tests saw: every handler run, every log line, every error handed to onError. */
export interface Recorder {
  runs: unknown[]
  logs: string[]
  errors: unknown[]
}

/**
 * A push server for the emulator's default app: text is echoed (XML) or handed to customer service (JSON,
 * a Mini Program cannot answer passively); `boom` throws.
 */
export function echoServer(options: Partial<WechatMessageServerOptions> = {}) {
  const recorder: Recorder = { runs: [], logs: [], errors: [] }
  const logger: WechatMessageLogger = {
    warn: (message, details) => recorder.logs.push(`${message} ${JSON.stringify(details ?? {})}`),
    error: (message, details) =>
      recorder.logs.push(`${message} ${String((details as { error?: unknown })?.error)}`),
  }
  const server = new WechatMessageServer({ token: TOKEN, appId: DEFAULT_APP.appId, logger, ...options })
  server.on('text', (message, context) => {
    recorder.runs.push(message)
    if (message.Content === 'boom') throw new Error(`handler failed for ${message.Content}`)
    return context.format === 'xml' ? `echo ${message.Content}` : { type: 'transfer_customer_service' }
  })
  return { server, recorder }
}
