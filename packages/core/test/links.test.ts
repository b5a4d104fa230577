import { describe, expect, test } from 'vitest'
import { ErrCode, isWechatError, isWechatTimeoutError, isWechatValidationError } from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const nowSeconds = () => Math.floor(Date.now() / 1000)
const DAY = 86_400

describe('generateUrlLink and queryUrlLink', () => {
  test('generates a link the emulator resolves, and queries it back', async () => {
    const emu = await emulator()
    const wechat = client(emu, { env: 'trial' })
    const link = await wechat.generateUrlLink({
      path: 'pages/item/item',
      query: 'id=42',
      expire_type: 1,
      expire_interval: 7,
    })
    expect(link).toMatch(/^https:\/\/wxaurl\.cn\//)
    expect(await emu.control.openLink(link)).toMatchObject({
      appid: DEFAULT_APP.appId,
      path: 'pages/item/item',
      query: 'id=42',
      env_version: 'trial', // from the client's env
    })
    const { url_link_info, quota_info } = await wechat.queryUrlLink(link)
    expect(url_link_info).toMatchObject({ appid: DEFAULT_APP.appId, path: 'pages/item/item', query: 'id=42' })
    expect(url_link_info.expire_time - url_link_info.create_time).toBe(7 * DAY)
    expect(quota_info.remain_visit_quota).toBe(3_000_000 - 1)
  })

  test('an injected 40001 refreshes the token once and generates one link', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({
      path: '/wxa/generate_urllink',
      fault: { kind: 'errcode', errcode: 40001 },
    })
    await wechat.generateUrlLink({ path: 'pages/index/index' })
    expect(await calls(emu, '/wxa/generate_urllink')).toBe(2)
    // cold fetch, the normal repeat that hands back the rejected token, one force refresh
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3)
  })

  test('is retried after a timeout (a repeat only mints another link)', async () => {
    const emu = await emulator()
    const wechat = client(emu, { timeout: 300 })
    await wechat.getAccessToken()
    await emu.control.injectFault({ path: '/wxa/generate_urllink', fault: { kind: 'delay', ms: 1000 } })
    await expect(wechat.generateUrlLink({})).resolves.toMatch(/^https:/)
    expect(await calls(emu, '/wxa/generate_urllink')).toBe(2)
  })

  test("surfaces WeChat's errors: the daily quota (45009) and an unknown link (85403)", async () => {
    const emu = await emulator({ miniProgram: { linksPerDay: 1 } })
    const wechat = client(emu)
    await wechat.generateUrlLink({})
    const quota = await rejection(wechat.generateUrlLink({}))
    expect(isWechatError(quota) && quota.errcode).toBe(ErrCode.QuotaExceeded)
    const unknown = await rejection(wechat.queryUrlLink('https://wxaurl.cn/not-a-link'))
    expect(isWechatError(unknown) && unknown.errcode).toBe(ErrCode.LinkNotFound)
    expect(unknown).toMatchObject({ endpoint: '/wxa/query_urllink' })
  })

  test.each([
    [{ path: 'pages/item/item?id=42' }, 'path', /query string/],
    [{ path: '' }, 'path', /non-empty/],
    [{ query: 'name=中文' }, 'query', /may only contain/],
    [{ query: 'a b' }, 'query', /may only contain/],
    [{ query: 'off=100%' }, 'query', /%XX/],
    [{ query: 'a'.repeat(1025) }, 'query', /1024/],
    [{ env_version: 'prod' }, 'env_version', /release/],
    [{ expire_type: 2 }, 'expire_type', /0 .* or 1/],
    [{ expire_time: Date.now() + 3600_000 }, 'expire_time', /seconds, not milliseconds/],
    [{ expire_time: nowSeconds() - 10 }, 'expire_time', /future/],
    [{ expire_time: nowSeconds() + 31 * DAY }, 'expire_time', /30 days/],
    [{ expire_time: 1.5e9 + 0.5 }, 'expire_time', /whole seconds/],
    [{ expire_type: 1 }, 'expire_interval', /required/],
    [{ expire_type: 1, expire_interval: 31 }, 'expire_interval', /30 days/],
    [{ expire_type: 1, expire_interval: 7 * DAY }, 'expire_interval', /days, not seconds/],
    [{ expire_interval: 7 }, 'expire_interval', /expire_type: 1/],
    [{ expire_type: 1, expire_interval: 7, expire_time: nowSeconds() + 60 }, 'expire_time', /expire_type 1/],
    [{ cloud_base: {} }, 'cloud_base.env', /non-empty/],
  ])('refuses %j before any request (field %s)', async (request, field, reason) => {
    const emu = await emulator()
    const error = await rejection(client(emu).generateUrlLink(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((error as Error).message).toMatch(reason)
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('accepts percent escapes and every character WeChat allows', async () => {
    const emu = await emulator()
    const link = await client(emu).generateUrlLink({
      query: "q=%E4%B8%AD&s=!#$&'()*+,/:;=?@-._~",
      expire_time: nowSeconds() + 29 * DAY,
    })
    expect((await emu.control.openLink(link)).query).toBe("q=%E4%B8%AD&s=!#$&'()*+,/:;=?@-._~")
  })

  test('refuses an empty queryUrlLink argument before any request', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).queryUrlLink(''))
    expect(isWechatValidationError(error) && error.field).toBe('urlLink')
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('generateScheme and queryScheme', () => {
  test('puts env_version inside jump_wxa and resolves', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const scheme = await wechat.generateScheme({
      jump_wxa: { path: 'pages/item/item', query: 'id=42', env_version: 'develop' },
      expire_time: nowSeconds() + 3600,
    })
    expect(scheme).toMatch(/^weixin:\/\/dl\/business\/\?t=/)
    expect(await emu.control.openLink(scheme)).toMatchObject({
      path: 'pages/item/item',
      env_version: 'develop',
    })
    const { scheme_info } = await wechat.queryScheme(scheme)
    expect(scheme_info).toMatchObject({ query: 'id=42', env_version: 'develop' })
  })

  test('defaults jump_wxa.env_version from the client env', async () => {
    const emu = await emulator()
    const scheme = await client(emu, { env: 'develop' }).generateScheme({})
    expect(await emu.control.openLink(scheme)).toMatchObject({ path: '', env_version: 'develop' })
  })

  test('an injected 40001 on queryscheme refreshes the token once', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const scheme = await wechat.generateScheme({})
    await emu.control.injectFault({ path: '/wxa/queryscheme', fault: { kind: 'errcode', errcode: 40001 } })
    await wechat.queryScheme(scheme)
    expect(await calls(emu, '/wxa/queryscheme')).toBe(2)
    // cold fetch, the normal repeat that hands back the rejected token, one force refresh
    expect(await calls(emu, '/cgi-bin/stable_token')).toBe(3)
  })

  test.each([
    [{ env_version: 'release' }, 'env_version', /inside jump_wxa/],
    [{ path: 'pages/a/a' }, 'path', /inside jump_wxa/],
    [{ jump_wxa: 'pages/a/a' }, 'jump_wxa', /object/],
    [{ jump_wxa: { path: 'pages/a/a?x=1' } }, 'jump_wxa.path', /jump_wxa.query/],
    [{ jump_wxa: { query: 'a b' } }, 'jump_wxa.query', /may only contain/],
    [{ jump_wxa: { env_version: 'beta' } }, 'jump_wxa.env_version', /release/],
    [{ is_expire: 'yes' }, 'is_expire', /boolean/],
    [{ expire_time: Date.now() }, 'expire_time', /seconds, not milliseconds/],
  ])('refuses %j before any request (field %s)', async (request, field, reason) => {
    const emu = await emulator()
    const error = await rejection(client(emu).generateScheme(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((error as Error).message).toMatch(reason)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('generateShortLink', () => {
  test('answers a short link to the page with its query', async () => {
    const emu = await emulator()
    const link = await client(emu).generateShortLink({
      page_url: 'pages/item/item?id=42',
      page_title: 'Item 42',
    })
    expect(await emu.control.openLink(link)).toMatchObject({ path: 'pages/item/item', query: 'id=42' })
  })

  test('a permanent link is not retried after a timeout (it spends the lifetime quota); a temporary one is', async () => {
    const emu = await emulator()
    const wechat = client(emu, { timeout: 300 })
    await wechat.getAccessToken()
    await emu.control.injectFault({
      path: '/wxa/genwxashortlink',
      times: 2,
      fault: { kind: 'delay', ms: 1000 },
    })
    const lost = await rejection(wechat.generateShortLink({ page_url: 'pages/a/a', is_permanent: true }))
    expect(isWechatTimeoutError(lost)).toBe(true)
    expect(await calls(emu, '/wxa/genwxashortlink')).toBe(1)
    await expect(wechat.generateShortLink({ page_url: 'pages/a/a' })).resolves.toMatch(/^#/)
    expect(await calls(emu, '/wxa/genwxashortlink')).toBe(3)
  })

  test('the lifetime quota of permanent links surfaces as 85400', async () => {
    const emu = await emulator({ miniProgram: { permanentShortLinks: 0 } })
    const error = await rejection(
      client(emu).generateShortLink({ page_url: 'pages/a/a', is_permanent: true }),
    )
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.LongTermLinkQuotaReached)
  })

  test('an injected 40001 refreshes the token once', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    await wechat.getAccessToken()
    await emu.control.injectFault({
      path: '/wxa/genwxashortlink',
      fault: { kind: 'errcode', errcode: 40001 },
    })
    await wechat.generateShortLink({ page_url: 'pages/a/a', is_permanent: true })
    expect(await calls(emu, '/wxa/genwxashortlink')).toBe(2)
  })

  test.each([
    [{}, 'page_url'],
    [{ page_url: 'pages/a/a?x=1 2' }, 'page_url'],
    [{ page_url: 'pages/a/a', page_title: 7 }, 'page_title'],
    [{ page_url: 'pages/a/a', is_permanent: 'true' }, 'is_permanent'],
    [null, 'request'],
  ])('refuses %j before any request (field %s)', async (request, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).generateShortLink(request as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})
