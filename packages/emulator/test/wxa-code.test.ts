import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { decodeQr } from './support/decode-qr.js'
import { classicToken, emulator, getJson, postJson, RID } from './support/emulator-fixture.js'

async function wxaCode(body: unknown) {
  const e = await emulator()
  const token = await classicToken(e)
  const response = await fetch(`${e.apiBaseUrl}/wxa/getwxacodeunlimit?access_token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { e, token, response }
}

describe('POST /wxa/getwxacodeunlimit', () => {
  it('answers a PNG that decodes as a QR code pointing at the page and scene', async () => {
    const { response } = await wxaCode({ scene: 'id=42&from=test', page: 'pages/item/item', width: 430 })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('image/png')
    const png = Buffer.from(await response.arrayBuffer())
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    const { image, text } = decodeQr(png)
    expect(image.width).toBe(430)
    const url = new URL(text ?? '')
    expect(url.searchParams.get('appid')).toBe(DEFAULT_APP.appId)
    expect(url.searchParams.get('page')).toBe('pages/item/item')
    expect(url.searchParams.get('scene')).toBe('id=42&from=test')
    expect(url.searchParams.get('env_version')).toBe('release')
  })

  it('draws the line colour and a transparent background when asked', async () => {
    const { response } = await wxaCode({
      scene: 'a',
      width: 280,
      line_color: { r: '200', g: 0, b: 0 },
      is_hyaline: true,
      env_version: 'trial',
    })
    const { image, text } = decodeQr(Buffer.from(await response.arrayBuffer()))
    expect(new URL(text ?? '').searchParams.get('env_version')).toBe('trial')
    const alphas = new Set<number>()
    const reds = new Set<number>()
    for (let i = 0; i < image.data.length; i += 4) {
      alphas.add(image.data[i + 3] ?? -1)
      if (image.data[i + 3] === 255) reds.add(image.data[i] ?? -1)
    }
    expect(alphas.has(0)).toBe(true)
    expect(reds.has(200)).toBe(true)
  })

  it.each([
    ['no scene', {}, 40169],
    ['an empty scene', { scene: '' }, 40169],
    ['a 33-character scene', { scene: 'a'.repeat(33) }, 40169],
    ['a scene with %', { scene: 'a%20b' }, 40129],
    ['a Chinese scene', { scene: '中文' }, 40129],
    ['a scene with a space', { scene: 'a b' }, 40129],
    ['a page with a leading slash', { scene: 'a', page: '/pages/index/index' }, 41030],
    ['a page with a query', { scene: 'a', page: 'pages/index/index?x=1' }, 41030],
    ['width 279', { scene: 'a', width: 279 }, 40097],
    ['width 1281', { scene: 'a', width: 1281 }, 40097],
    ['a string width', { scene: 'a', width: '430' }, 40097],
    ['a colour channel of 256', { scene: 'a', line_color: { r: 256, g: 0, b: 0 } }, 40097],
    ['a colour missing a channel', { scene: 'a', line_color: { r: 0, g: 0 } }, 40097],
    ['an unknown env_version', { scene: 'a', env_version: 'prod' }, 40097],
    ['a string is_hyaline', { scene: 'a', is_hyaline: 'true' }, 40097],
    ['the reserved scancode_time', { scene: 'a', scancode_time: 1 }, 85096],
  ])('answers %s with JSON errcode %i and HTTP 200', async (_name, body, errcode) => {
    const { response } = await wxaCode(body)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const answer = (await response.json()) as { errcode: number; errmsg: string }
    expect(answer.errcode).toBe(errcode)
    expect(answer.errmsg).toMatch(RID)
  })

  it('accepts the longest allowed scene with every allowed symbol', async () => {
    const scene = "!#$&'()*+,/:;=?@-._~0123456789Az"
    expect([...scene]).toHaveLength(32)
    const { response } = await wxaCode({ scene })
    expect(response.headers.get('content-type')).toBe('image/png')
    const { text } = decodeQr(Buffer.from(await response.arrayBuffer()))
    expect(new URL(text ?? '').searchParams.get('scene')).toBe(scene)
  })

  it('checks the token and the body format', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    expect((await postJson(`${e.apiBaseUrl}/wxa/getwxacodeunlimit`, { scene: 'a' })).errcode).toBe(41001)
    const url = `${e.apiBaseUrl}/wxa/getwxacodeunlimit?access_token=${token}`
    expect((await postJson(url, 'scene=a')).errcode).toBe(47001)
    expect((await getJson(url, { method: 'POST' })).errcode).toBe(44002)
  })
})
