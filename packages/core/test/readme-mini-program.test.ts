import { expect, test } from 'vitest'
import { Wechat, WechatMessageServer } from '../src/index.js'
import { DEFAULT_APP, emulator } from './helpers.js'
import { AES_KEY, serve, TOKEN } from './push-fixture.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test('the links README example is exactly the code this test runs', () => {
  expect(readmeBlock('### Mini Program links')).toBe(exampleBlock(import.meta.url, 'links'))
})

test('the links README example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })

  // README:links:begin
  // A link for SMS, email or a web page, valid 7 days; it opens pages/item/item?id=42.
  const link = await wechat.generateUrlLink({
    path: 'pages/item/item',
    query: 'id=42',
    expire_type: 1,
    expire_interval: 7,
  })
  const { url_link_info, quota_info } = await wechat.queryUrlLink(link)

  // A weixin:// scheme for an app or a page outside WeChat: the page and env_version go inside jump_wxa.
  const scheme = await wechat.generateScheme({
    jump_wxa: { path: 'pages/item/item', query: 'id=42', env_version: 'release' },
    expire_time: Math.floor(Date.now() / 1000) + 3600, // Unix seconds, not Date.now()
  })
  const { scheme_info } = await wechat.queryScheme(scheme)

  // A short link to paste in a WeChat chat; the query stays in page_url.
  const short = await wechat.generateShortLink({ page_url: 'pages/item/item?id=42', page_title: 'Item 42' })
  // README:links:end

  expect(url_link_info).toMatchObject({ path: 'pages/item/item', query: 'id=42' })
  expect(quota_info.remain_visit_quota).toBeGreaterThan(0)
  expect(scheme_info).toMatchObject({ path: 'pages/item/item', env_version: 'release' })
  for (const opened of [link, scheme, short]) {
    expect(await emu.control.openLink(opened)).toMatchObject({ path: 'pages/item/item', query: 'id=42' })
  }
  await wechat.close()
})

test('the limited codes README example is exactly the code this test runs', () => {
  expect(readmeBlock('### Mini Program limited codes')).toBe(exampleBlock(import.meta.url, 'codes'))
})

test('the limited codes README example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })

  // README:codes:begin
  // A round Mini Program code for a page with its query (the query may be longer than a 32-character scene).
  const code = await wechat.getWxaCode({ path: 'pages/item/item?id=42', width: 430, env_version: 'release' })
  // A square QR code (path at most 128 bytes).
  const square = await wechat.createWxaQrCode({ path: 'pages/item/item?id=42', width: 430 })
  // README:codes:end

  for (const image of [code, square]) expect([...image.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  await wechat.close()
})

test('the content security README example is exactly the code this test runs', () => {
  expect(readmeBlock('### Mini Program content security')).toBe(exampleBlock(import.meta.url, 'content'))
})

test('the content security README example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const { openid } = await wechat.jsCode2Session(await emu.control.mintCode({ kind: 'login' }))
  const messages = new WechatMessageServer({
    token: TOKEN,
    encodingAESKey: AES_KEY,
    appId: DEFAULT_APP.appId,
  })
  const push = { url: await serve(messages), token: TOKEN, encodingAESKey: AES_KEY, format: 'json' as const }
  await emu.control.configurePush(push)
  const verdicts = new Map<string, string | undefined>()

  // README:content:begin
  // Text a user wrote, before you publish it; the author must have used the Mini Program in the last 2 hours.
  const { result, trace_id } = await wechat.msgSecCheck({ openid, scene: 2, content: 'Great parcel!' })
  if (result.suggest !== 'pass') console.log('hold for review:', trace_id)

  // An image at a public URL: the verdict arrives later as the wxa_media_check push, with the same trace_id.
  messages.on('event.wxa_media_check', (event) => void verdicts.set(event.trace_id, event.result?.suggest))
  const media = await wechat.mediaCheckAsync({
    media_url: 'https://cdn.example.com/u/7.png',
    media_type: 2,
    scene: 1,
    openid,
  })
  // README:content:end

  expect(result.suggest).toBe('pass')
  await emu.control.advanceClock(60_000) // the emulator's default delay
  expect(verdicts.get(media.trace_id)).toBe('pass')
  await wechat.close()
})
