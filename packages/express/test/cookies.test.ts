// How the middleware reads and writes its cookies, over real HTTP on both Express majors (found by
// `pnpm mutate`): which Cookie headers give a value, and the attributes every Set-Cookie carries.
import { createServer } from 'node:http'
import { describe, expect, it } from 'vitest'
import { listenForTest } from '../../../test-support/listen.js'
import { carriesCookie, readCookie, writeCookie } from '../src/http/cookies.js'
import { EXPRESS_VERSIONS, type ExpressVersion } from './support/express-versions.js'

/**
 * `/read` answers what readCookie and carriesCookie make of cookie `c`; `/write?name&value&ms&domain`
 * writes one cookie with writeCookie.
 */
async function cookieApp(version: ExpressVersion, trustProxy?: string) {
  const app = version.express()
  if (trustProxy) app.set('trust proxy', trustProxy)
  app.get('/read', (req, res) => {
    res.json({ value: readCookie(req, 'c') ?? null, carried: carriesCookie(req, 'c') })
  })
  app.get('/write', (req, res) => {
    const { name = '', value = '', ms, domain } = req.query as Record<string, string | undefined>
    writeCookie(req, res, name, value, Number(ms), domain)
    res.end()
  })
  const url = await listenForTest(createServer(app))
  return {
    async read(cookie?: string): Promise<{ value: string | null; carried: boolean }> {
      const response = await fetch(`${url}/read`, cookie === undefined ? {} : { headers: { Cookie: cookie } })
      return (await response.json()) as { value: string | null; carried: boolean }
    },
    async write(query: Record<string, string>, headers: Record<string, string> = {}): Promise<string> {
      const response = await fetch(`${url}/write?${new URLSearchParams(query)}`, { headers })
      return response.headers.getSetCookie().join('\n')
    },
  }
}

describe.each(EXPRESS_VERSIONS)('cookies on $name', (version) => {
  it('reads the one cookie of that exact name, among others, whatever the spacing', async () => {
    const app = await cookieApp(version)
    expect(await app.read('c=1')).toEqual({ value: '1', carried: true })
    expect(await app.read('a=0;  c = 2 ; cc=3; xc=4')).toEqual({ value: '2', carried: true })
    expect(await app.read('c=a=b')).toEqual({ value: 'a=b', carried: true })
    expect(await app.read('c=')).toEqual({ value: '', carried: true })
  })

  it('gives nothing when the cookie is absent, and a part without = is no cookie', async () => {
    const app = await cookieApp(version)
    expect(await app.read()).toEqual({ value: null, carried: false })
    expect(await app.read('cc=1; xc=2')).toEqual({ value: null, carried: false })
    expect(await app.read('c; d=1')).toEqual({ value: null, carried: false })
    expect(await app.read('cc; d=1')).toEqual({ value: null, carried: false })
  })

  it('gives no value for a name sent twice (a sibling subdomain may have planted one), though it is carried', async () => {
    const app = await cookieApp(version)
    expect(await app.read('c=1; c=2')).toEqual({ value: null, carried: true })
    expect(await app.read('c=1; c=1')).toEqual({ value: null, carried: true })
  })

  it('unquotes a quoted value and percent-decodes it; broken percent-encoding gives nothing', async () => {
    const app = await cookieApp(version)
    expect((await app.read('c="quoted"')).value).toBe('quoted')
    expect((await app.read('c=""')).value).toBe('')
    expect((await app.read('c="')).value).toBe('"')
    expect((await app.read('c="half')).value).toBe('"half')
    expect((await app.read('c=half"')).value).toBe('half"')
    expect((await app.read('c=a%20b%3Bc')).value).toBe('a b;c')
    expect((await app.read('c="a%2Fb"')).value).toBe('a/b')
    expect((await app.read('c=100%')).value).toBeNull()
  })

  it('writes HttpOnly, SameSite=Lax, Path=/ cookies whose Max-Age is whole seconds', async () => {
    const app = await cookieApp(version)
    const line = await app.write({ name: 'c', value: 'v', ms: '90999' })
    expect(line).toMatch(/^c=v; /)
    expect(line).toMatch(/; Max-Age=90(;|$)/)
    expect(line).toMatch(/; Path=\/(;|$)/)
    expect(line).toMatch(/; HttpOnly(;|$)/)
    expect(line).toMatch(/; SameSite=Lax(;|$)/)
    expect(line).not.toMatch(/Secure|Domain|Expires/i)
  })

  it('a Max-Age of 0 deletes the cookie, with an Expires in the past for old browsers', async () => {
    const app = await cookieApp(version)
    const line = await app.write({ name: 'c', value: '', ms: '0' })
    expect(line).toMatch(/; Max-Age=0(;|$)/)
    expect(line).toMatch(/; Expires=Thu, 01 Jan 1970 00:00:00 GMT(;|$)/)
  })

  it('is Secure on https (behind a trusted proxy) and for a __Host- name, never otherwise', async () => {
    const https = { 'X-Forwarded-Proto': 'https' }
    expect(await (await cookieApp(version)).write({ name: 'c', value: 'v', ms: '1000' }, https)).not.toMatch(
      /Secure/,
    )
    const proxied = await cookieApp(version, 'loopback')
    expect(await proxied.write({ name: 'c', value: 'v', ms: '1000' }, https)).toMatch(/; Secure(;|$)/)
    expect(await (await cookieApp(version)).write({ name: '__Host-c', value: 'v', ms: '1000' })).toMatch(
      /; Secure(;|$)/,
    )
  })

  it('carries a Domain when given, except on a __Host- cookie (which must not have one)', async () => {
    const app = await cookieApp(version)
    expect(await app.write({ name: 'c', value: 'v', ms: '1000', domain: 'example.com' })).toMatch(
      /; Domain=example\.com(;|$)/,
    )
    expect(await app.write({ name: '__Host-c', value: 'v', ms: '1000', domain: 'example.com' })).not.toMatch(
      /Domain/i,
    )
  })
})
