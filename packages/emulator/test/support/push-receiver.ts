import { createServer, type IncomingMessage } from 'node:http'
import { listenForTest } from '../../../../test-support/listen.js'

/** One request the receiver got. */
export interface Received {
  method: string
  query: URLSearchParams
  body: string
  contentType: string | undefined
}

/** A plain node:http server standing in for a developer's push route; `answer` decides each reply. */
export interface Receiver {
  url: string
  received: Received[]
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * Start a receiver on port 0 (closed after the test). `answer` gets the request and its index and returns
 * `{ status?, body?, delayMs? }`; a delay longer than 5 s makes the emulator give up on that try.
 */
export async function receiver(
  answer: (request: Received, index: number) => { status?: number; body?: string; delayMs?: number },
): Promise<Receiver> {
  const received: Received[] = []
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const request: Received = {
      method: req.method ?? '',
      query: url.searchParams,
      body: await readBody(req),
      contentType: req.headers['content-type'],
    }
    const index = received.push(request) - 1
    const { status = 200, body = 'success', delayMs = 0 } = answer(request, index)
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    if (res.destroyed) return
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body)
  })
  return { url: `${await listenForTest(server)}/wechat/messages`, received }
}
