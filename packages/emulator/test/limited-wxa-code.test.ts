import { describe, expect, it } from 'vitest'
import { DEFAULT_APP, type EmulatorOptions } from '../src/index.js'
import { decodeQr } from './support/decode-qr.js'
import { classicToken, emulator, RID } from './support/emulator-fixture.js'

async function setup(options: EmulatorOptions = {}) {
  const e = await emulator(options)
  const token = await classicToken(e)
  const post = (path: string, body: unknown) =>
    fetch(`${e.apiBaseUrl}${path}?access_token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  return { e, post }
}

const GETWXACODE = '/wxa/getwxacode'
const CREATE = '/cgi-bin/wxaapp/createwxaqrcode'

describe('POST /wxa/getwxacode and /cgi-bin/wxaapp/createwxaqrcode', () => {
  it('answer PNGs that decode as QR codes leading to the page with its query', async () => {
    const { post } = await setup()
    const code = await post(GETWXACODE, { path: 'pages/item/item?id=42', width: 300, env_version: 'trial' })
    expect(code.headers.get('content-type')).toBe('image/png')
    const { image, text } = decodeQr(Buffer.from(await code.arrayBuffer()))
    expect(image.width).toBe(300)
    const url = new URL(text ?? '')
    expect(url.pathname).toBe('/wxacode')
    expect(Object.fromEntries(url.searchParams)).toEqual({
      appid: DEFAULT_APP.appId,
      env_version: 'trial',
      path: 'pages/item/item?id=42',
    })
    const square = await post(CREATE, { path: 'pages/item/item?id=7' })
    const decoded = decodeQr(Buffer.from(await square.arrayBuffer()))
    expect(decoded.image.width).toBe(430)
    expect(new URL(decoded.text ?? '').searchParams.get('path')).toBe('pages/item/item?id=7')
  })

  it('count together towards the lifetime limit: 45029 once it is reached, whatever the day', async () => {
    const { e, post } = await setup({ miniProgram: { limitedCodes: 2 } })
    expect((await post(GETWXACODE, { path: 'pages/a/a' })).headers.get('content-type')).toBe('image/png')
    expect((await post(CREATE, { path: 'pages/a/a' })).headers.get('content-type')).toBe('image/png')
    const refused = (await (await post(GETWXACODE, { path: 'pages/b/b' })).json()) as Record<string, unknown>
    expect(refused).toMatchObject({ errcode: 45029, errmsg: expect.stringMatching(RID) })
    await e.control.advanceClock(86_400_000)
    const token = await classicToken(e)
    const later = await fetch(`${e.apiBaseUrl}${CREATE}?access_token=${token}`, {
      method: 'POST',
      body: JSON.stringify({ path: 'pages/c/c' }),
    })
    expect(((await later.json()) as { errcode: number }).errcode).toBe(45029)
  })

  it('a refused request does not count', async () => {
    const { post } = await setup({ miniProgram: { limitedCodes: 1 } })
    await post(GETWXACODE, { path: '' })
    expect((await post(GETWXACODE, { path: 'pages/a/a' })).headers.get('content-type')).toBe('image/png')
  })

  it.each([
    [GETWXACODE, 'no path', {}, 40159],
    [GETWXACODE, 'an empty path', { path: '' }, 40159],
    [GETWXACODE, 'a path with a space', { path: 'pages/a/a?x=1 2' }, 40159],
    [GETWXACODE, 'a path over 1024 characters', { path: `pages/a/a?x=${'1'.repeat(1020)}` }, 40159],
    [GETWXACODE, 'width 279', { path: 'pages/a/a', width: 279 }, 40097],
    [GETWXACODE, 'an unknown env_version', { path: 'pages/a/a', env_version: 'prod' }, 40097],
    [GETWXACODE, 'a colour channel of 256', { path: 'pages/a/a', line_color: { r: 256, g: 0, b: 0 } }, 40097],
    [GETWXACODE, 'a string is_hyaline', { path: 'pages/a/a', is_hyaline: 'true' }, 40097],
    [CREATE, 'no path', {}, 40159],
    [CREATE, 'a path over 128 bytes', { path: `pages/a/a?n=${'中'.repeat(40)}` }, 40159],
    [CREATE, 'width 1281', { path: 'pages/a/a', width: 1281 }, 40097],
  ])('%s answers %s with JSON errcode %i', async (path, _name, body, errcode) => {
    const { post } = await setup()
    const response = await post(path, body)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(((await response.json()) as { errcode: number }).errcode).toBe(errcode)
  })

  it('checks the token and the body first', async () => {
    const { e } = await setup()
    const noToken = await fetch(`${e.apiBaseUrl}${CREATE}`, { method: 'POST', body: '{}' })
    expect(((await noToken.json()) as { errcode: number }).errcode).toBe(41001)
  })
})
