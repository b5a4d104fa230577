// requestOrigin over real HTTP on both Express majors: which Host it believes, and which it refuses (found
// by `pnpm mutate`). Raw node:http requests, since fetch will not send a Host of our choosing.
import { createServer, request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { createConnection } from 'node:net'
import { describe, expect, it } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import { requestOrigin } from '../src/http/request-origin.js'
import { EXPRESS_VERSIONS, type ExpressVersion } from './support/express-versions.js'

/** An app answering every request with the origin requestOrigin(req) gives (null for none). */
async function originApp(version: ExpressVersion, trustProxy?: boolean | string) {
  const app = version.express()
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy)
  app.use((req, res) => {
    res.json({ origin: requestOrigin(req) ?? null })
  })
  const url = new URL(await listenForTest(createServer(app)))
  return {
    /** The origin the app derives for a request with exactly these headers. */
    async origin(headers: OutgoingHttpHeaders): Promise<string | null> {
      return new Promise((resolve, reject) => {
        const req = httpRequest(
          { host: url.hostname, port: url.port, path: '/', headers, setHost: false },
          (res) => {
            let body = ''
            res.on('data', (chunk: Buffer) => {
              body += chunk
            })
            res.on('end', () => resolve((JSON.parse(body) as { origin: string | null }).origin))
          },
        )
        req.on('error', reject)
        req.end()
      })
    },
    /** The same for an HTTP/1.0 request without any Host header. */
    async originWithoutHost(): Promise<string | null> {
      return new Promise((resolve, reject) => {
        const socket = createConnection(Number(url.port), url.hostname, () => {
          socket.write('GET / HTTP/1.0\r\n\r\n')
        })
        let raw = ''
        socket.on('data', (chunk) => {
          raw += chunk
        })
        socket.on('end', () =>
          resolve((JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { origin: null }).origin),
        )
        socket.on('error', reject)
      })
    },
  }
}

describe.each(EXPRESS_VERSIONS)('requestOrigin on $name', (version) => {
  it('is the scheme and Host the request names, port included', async () => {
    const app = await originApp(version)
    expect(await app.origin({ Host: 'shop.example.com:8443' })).toBe('http://shop.example.com:8443')
    expect(await app.origin({ Host: 'shop.example.com' })).toBe('http://shop.example.com')
  })

  it('is undefined for a Host that smuggles a path, credentials, a query or a fragment', async () => {
    const app = await originApp(version)
    for (const Host of [
      'evil.example/path',
      'user:pass@shop.example.com',
      'shop.example.com?x=1',
      'shop.example.com#x',
      'a b',
    ])
      expect(await app.origin({ Host }), Host).toBeNull()
  })

  it('is undefined without a Host', async () => {
    const app = await originApp(version)
    expect(await app.originWithoutHost()).toBeNull()
  })

  it('ignores X-Forwarded-Host and -Proto unless the peer is a trusted proxy', async () => {
    const forwarded = {
      Host: 'internal:3000',
      'X-Forwarded-Host': 'shop.example.com',
      'X-Forwarded-Proto': 'https',
    }
    expect(await (await originApp(version)).origin(forwarded)).toBe('http://internal:3000')
    expect(await (await originApp(version, '10.0.0.1')).origin(forwarded)).toBe('http://internal:3000')
    expect(await (await originApp(version, 'loopback')).origin(forwarded)).toBe('https://shop.example.com')
  })

  it('behind a trusted proxy takes the first X-Forwarded-Host of a list, trimmed, and falls back to Host', async () => {
    const app = await originApp(version, 'loopback')
    expect(
      await app.origin({ Host: 'internal:3000', 'X-Forwarded-Host': ' shop.example.com , proxy.example' }),
    ).toBe('http://shop.example.com')
    expect(await app.origin({ Host: 'internal:3000', 'X-Forwarded-Host': '' })).toBe('http://internal:3000')
    expect(await app.origin({ Host: 'internal:3000' })).toBe('http://internal:3000')
    expect(await app.origin({ Host: 'internal:3000', 'X-Forwarded-Host': ', shop.example.com' })).toBeNull()
  })
})
