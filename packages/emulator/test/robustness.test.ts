import { connect, type Socket } from 'node:net'
import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '../src/index.js'
import { emulator, getJson, RID } from './support/emulator-fixture.js'

const LIMIT = 1024 * 1024

/** Send `request` verbatim on a fresh socket and collect everything the server writes until it closes. */
function rawRequest(e: RunningEmulator, request: string): Promise<string> {
  const { hostname, port } = new URL(e.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request))
    let answer = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      answer += chunk
    })
    socket.on('close', () => resolve(answer))
    socket.on('error', reject)
  })
}

/** Open a socket and send only the head of a request (its body never comes), so the request stays open. */
function hangingRequest(e: RunningEmulator): Promise<Socket> {
  const { hostname, port } = new URL(e.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        'POST /cgi-bin/stable_token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 100\r\n\r\n{"grant_type":',
      )
      resolve(socket)
    })
    socket.on('error', reject)
  })
}

describe('request bodies', () => {
  it('refuses a body over 1 MiB with HTTP 413 and nginx’s HTML page, and keeps serving', async () => {
    const e = await emulator()
    const response = await fetch(`${e.apiBaseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"pad":"${'x'.repeat(LIMIT)}"}`,
    })
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await response.text()).toContain('<h1>413 Request Entity Too Large</h1>')
    expect((await e.control.counters()).tokensIssued).toBe(0)
    const next = await getJson(`${e.apiBaseUrl}/cgi-bin/stable_token`, { method: 'POST', body: '{}' })
    expect(next.errcode).toBe(40002)
  })

  it('reads a body of exactly 1 MiB', async () => {
    const e = await emulator()
    const answer = await getJson(`${e.apiBaseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: 'x'.repeat(LIMIT),
    })
    expect(answer.errcode).toBe(47001)
  })

  it('refuses an over-long chunked body that announces no length', async () => {
    const e = await emulator()
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 2 * LIMIT) return controller.close()
        sent += chunk.length
        controller.enqueue(chunk)
      },
    })
    const response = await fetch(`${e.apiBaseUrl}/cgi-bin/message/subscribe/send?access_token=x`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
  })

  it('answers the control API’s JSON error shape for an over-long control call', async () => {
    const e = await emulator()
    const response = await fetch(`${e.url}/__wxkit/registerTemplate`, {
      method: 'POST',
      body: 'x'.repeat(LIMIT + 1),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^@wxkit\/emulator: .*1048576/) })
  })
})

describe('malformed requests', () => {
  it('answers a query with broken percent-encoding like any bad parameter', async () => {
    const e = await emulator()
    const answer = await getJson(
      `${e.apiBaseUrl}/cgi-bin/token?grant_type=client_credential&appid=%E0%A4%A&secret=%zz`,
    )
    expect(answer.errcode).toBe(40013)
    expect(answer.errmsg).toMatch(RID)
  })

  it('answers unknown paths with HTTP 404 and counts them', async () => {
    const e = await emulator()
    const unknown = await fetch(`${e.apiBaseUrl}/cgi-bin/no_such_api?access_token=x`)
    expect(unknown.status).toBe(404)
    const unknownControl = await fetch(`${e.url}/__wxkit/noSuchMethod`, { method: 'POST' })
    expect(unknownControl.status).toBe(404)
    expect((await e.control.counters()).calls).toEqual({ '/cgi-bin/no_such_api': 1 })
  })

  it('answers a GET to a POST endpoint with 44002, as WeChat does for an empty body', async () => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/stable_token`)).errcode).toBe(44002)
  })

  it('answers HTTP 400 to a request line that is not HTTP, and keeps serving', async () => {
    const e = await emulator()
    expect(await rawRequest(e, 'HELLO\r\n\r\n')).toMatch(/^HTTP\/1\.1 400 /)
    const answer = await rawRequest(e, 'GET /cgi-bin/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
    expect(answer).toContain('"errcode":40002')
  })

  it.each([
    ['//', /^HTTP\/1\.1 404 /],
    ['http://[::1/cgi-bin/token', /^HTTP\/1\.1 400 /],
  ])('answers the request target %s that no URL parser accepts, without hanging', async (target, status) => {
    const e = await emulator()
    expect(await rawRequest(e, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toMatch(
      status,
    )
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/token`)).errcode).toBe(40002)
  })

  it('shows the authorize error page, not a server error, for a consent post that is not a form', async () => {
    const e = await emulator()
    const response = await fetch(`${e.oauthBaseUrl}/connect/oauth2/authorize/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: 'not multipart',
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-wxkit-errcode')).toBe('10012')
  })
})

describe('server lifecycle', () => {
  it('close() drops a request that is still waiting for its body, so it resolves at once', async () => {
    const e = await startEmulator({ port: 0 })
    const socket = await hangingRequest(e)
    const socketClosed = new Promise((resolve) => socket.once('close', resolve))
    await e.close()
    await socketClosed
    expect(socket.destroyed).toBe(true)
  })

  it('close() drops idle keep-alive connections', async () => {
    const e = await startEmulator({ port: 0 })
    const answer = await rawRequestKeepAlive(e)
    expect(answer.response).toMatch(/^HTTP\/1\.1 200 /)
    const socketClosed = new Promise((resolve) => answer.socket.once('close', resolve))
    await e.close()
    await socketClosed
    expect(answer.socket.destroyed).toBe(true)
  })

  it('refuses a second emulator on a port in use, naming the address and keeping the code', async () => {
    const first = await emulator()
    const port = Number(new URL(first.url).port)
    const error = await startEmulator({ port }).then(
      (second) => second.close().then(() => undefined),
      (reason: unknown) => reason as NodeJS.ErrnoException,
    )
    expect(error).toBeInstanceOf(Error)
    expect(error?.message).toBe(
      `@wxkit/emulator: cannot listen on 127.0.0.1:${port}: the port is already in use ` +
        '(another emulator or server is listening there)',
    )
    expect(error?.code).toBe('EADDRINUSE')
    expect(await getJson(`${first.apiBaseUrl}/cgi-bin/token`)).toMatchObject({ errcode: 40002 })
  })
})

/** One keep-alive request on a raw socket, left open afterwards. */
function rawRequestKeepAlive(e: RunningEmulator): Promise<{ socket: Socket; response: string }> {
  const { hostname, port } = new URL(e.url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () =>
      socket.write(
        `GET /cgi-bin/token?grant_type=client_credential&appid=${DEFAULT_APP.appId}` +
          `&secret=${DEFAULT_APP.appSecret} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`,
      ),
    )
    let response = ''
    socket.setEncoding('utf8')
    socket.on('data', (chunk) => {
      response += chunk
      if (response.includes('"expires_in"')) resolve({ socket, response })
    })
    socket.on('error', reject)
  })
}
