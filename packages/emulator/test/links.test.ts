import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP, type EmulatorOptions } from '../src/index.js'
import { randomToken } from '../src/state/secrets.js'
import { classicToken, emulator, FIXED_NOW, postJson, RID } from './support/emulator-fixture.js'

const NOW_S = FIXED_NOW / 1000
const DAY = 86_400

async function setup(options: EmulatorOptions = {}) {
  const e = await emulator(options)
  const token = await classicToken(e)
  const call = (path: string, body: unknown) => postJson(`${e.apiBaseUrl}${path}?access_token=${token}`, body)
  return { e, token, call }
}

describe('POST /wxa/generate_urllink and query_urllink', () => {
  it('stores the link; openLink resolves it and counts the visit; query_urllink reports it', async () => {
    const { e, call } = await setup()
    const answer = await call('/wxa/generate_urllink', {
      path: 'pages/item/item',
      query: 'id=42&from=sms',
      env_version: 'trial',
      expire_type: 1,
      expire_interval: 7,
    })
    expect(answer).toMatchObject({
      errcode: 0,
      errmsg: 'ok',
      url_link: expect.stringMatching(/^https:\/\/wxaurl\.cn\/[A-Za-z0-9]{11}$/),
    })
    const link = answer.url_link as string
    expect(await e.control.openLink(link)).toEqual({
      appid: DEFAULT_APP.appId,
      path: 'pages/item/item',
      query: 'id=42&from=sms',
      env_version: 'trial',
      visits: 1,
    })
    // Over HTTP too, with WeChat's ?cq= suffix.
    expect(await connectEmulator(e.url).openLink(`${link}?cq=id%3D42`)).toMatchObject({ visits: 2 })
    expect(await call('/wxa/query_urllink', { url_link: link })).toMatchObject({
      errcode: 0,
      url_link_info: {
        appid: DEFAULT_APP.appId,
        path: 'pages/item/item',
        query: 'id=42&from=sms',
        create_time: NOW_S,
        expire_time: NOW_S + 7 * DAY,
        env_version: 'trial',
      },
      quota_info: { remain_visit_quota: 3_000_000 - 2 },
    })
  })

  it('expires at expire_time; an expired link no longer opens', async () => {
    const { e, call } = await setup()
    const { url_link } = await call('/wxa/generate_urllink', { expire_time: NOW_S + 3600 })
    await expect(e.control.openLink(url_link as string)).resolves.toMatchObject({
      path: '',
      env_version: 'release',
    })
    await e.control.advanceClock(3600_000)
    await expect(e.control.openLink(url_link as string)).rejects.toThrow(/expired/)
    await expect(e.control.openLink('https://wxaurl.cn/nope')).rejects.toThrow(/no such link/)
  })

  it.each([
    ['a path with a query', { path: 'pages/a/a?x=1' }, 40165],
    ['a non-string path', { path: 7 }, 40165],
    ['a query with a space', { query: 'a b' }, 40212],
    ['a query in Chinese', { query: 'name=中文' }, 40212],
    ['a bare %', { query: 'a=100%' }, 40212],
    ['a query over 1024 characters', { query: 'a'.repeat(1025) }, 40212],
    ['an unknown env_version', { env_version: 'prod' }, 40097],
    ['expire_type 2', { expire_type: 2 }, 40097],
    ['an expire_time in milliseconds', { expire_time: FIXED_NOW + 3600_000 }, 85401],
    ['an expire_time in the past', { expire_time: NOW_S - 1 }, 85401],
    ['an expire_time 31 days ahead', { expire_time: NOW_S + 31 * DAY }, 85401],
    ['expire_interval 31', { expire_type: 1, expire_interval: 31 }, 85402],
    ['expire_interval missing', { expire_type: 1 }, 85402],
    ['a cloud_base without env', { cloud_base: {} }, 47001],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const { call } = await setup()
    const answer = await call('/wxa/generate_urllink', body)
    expect(answer.errcode).toBe(errcode)
    expect(answer.errmsg).toMatch(RID)
  })

  it('accepts percent escapes, every allowed symbol and the 30-day bounds', async () => {
    const { call } = await setup()
    for (const body of [
      { query: "a=%E4%B8%AD&b=!#$&'()*+,/:;=?@-._~", expire_time: NOW_S + 30 * DAY },
      { query: 'x'.repeat(1024), expire_type: 1, expire_interval: 30 },
    ]) {
      expect((await call('/wxa/generate_urllink', body)).errcode).toBe(0)
    }
  })

  it('counts Links and Schemes together against the daily quota (45009), which rolls over at midnight', async () => {
    const { e, call } = await setup({ miniProgram: { linksPerDay: 2 } })
    expect((await call('/wxa/generate_urllink', {})).errcode).toBe(0)
    expect((await call('/wxa/generatescheme', {})).errcode).toBe(0)
    expect((await call('/wxa/generate_urllink', {})).errcode).toBe(45009)
    expect((await call('/wxa/generatescheme', {})).errcode).toBe(45009)
    await e.control.advanceClock(DAY * 1000)
    const fresh = await classicToken(e)
    expect((await postJson(`${e.apiBaseUrl}/wxa/generate_urllink?access_token=${fresh}`, {})).errcode).toBe(0)
  })

  it("refuses opens past the day's visit quota and reports what is left", async () => {
    const { e, call } = await setup({ miniProgram: { linkVisitsPerDay: 1 } })
    const { url_link } = await call('/wxa/generate_urllink', {})
    await e.control.openLink(url_link as string)
    await expect(e.control.openLink(url_link as string)).rejects.toThrow(/85406/)
    expect(await call('/wxa/query_urllink', { url_link })).toMatchObject({
      quota_info: { remain_visit_quota: 0 },
    })
  })

  it("answers 85403 for an unknown link, a scheme or another app's link, 40097 without url_link", async () => {
    const other = { appId: 'wx00000000000other', appSecret: 'other-secret-0000000000000000000' }
    const { e, call } = await setup({ apps: [DEFAULT_APP, other] })
    const { openlink } = await call('/wxa/generatescheme', {})
    const otherToken = await classicToken(e, other)
    const { url_link } = await postJson(`${e.apiBaseUrl}/wxa/generate_urllink?access_token=${otherToken}`, {})
    expect((await call('/wxa/query_urllink', { url_link: 'https://wxaurl.cn/nope' })).errcode).toBe(85403)
    expect((await call('/wxa/query_urllink', { url_link: openlink })).errcode).toBe(85403)
    expect((await call('/wxa/query_urllink', { url_link })).errcode).toBe(85403)
    expect((await call('/wxa/query_urllink', {})).errcode).toBe(40097)
  })

  it('checks the token first', async () => {
    const e = await emulator()
    const answer = await postJson(`${e.apiBaseUrl}/wxa/generate_urllink`, {})
    expect(answer.errcode).toBe(41001)
  })
})

describe('POST /wxa/generatescheme and queryscheme', () => {
  it('takes the page inside jump_wxa and resolves through openLink', async () => {
    const { e, call } = await setup()
    const { openlink } = await call('/wxa/generatescheme', {
      jump_wxa: { path: 'pages/item/item', query: 'id=42', env_version: 'develop' },
      is_expire: true,
      expire_time: NOW_S + 600,
    })
    expect(openlink).toMatch(/^weixin:\/\/dl\/business\/\?t=[A-Za-z0-9]{13}$/)
    expect(await e.control.openLink(openlink as string)).toMatchObject({
      path: 'pages/item/item',
      query: 'id=42',
      env_version: 'develop',
    })
    expect(await call('/wxa/queryscheme', { scheme: openlink })).toMatchObject({
      scheme_info: { path: 'pages/item/item', expire_time: NOW_S + 600, env_version: 'develop' },
      quota_info: { remain_visit_quota: 3_000_000 - 1 },
    })
    expect((await call('/wxa/queryscheme', { scheme: 'weixin://dl/business/?t=nope' })).errcode).toBe(85403)
  })

  it.each([
    ['a top-level env_version', { env_version: 'release' }, 47001],
    ['jump_wxa not an object', { jump_wxa: 'pages/a/a' }, 47001],
    ['a jump_wxa.path with a query', { jump_wxa: { path: 'pages/a/a?x=1' } }, 40165],
    ['a jump_wxa.query with a space', { jump_wxa: { query: 'a b' } }, 40212],
    ['a jump_wxa.env_version unknown', { jump_wxa: { env_version: 'beta' } }, 40097],
    ['a non-boolean is_expire', { is_expire: 1 }, 47001],
    ['an expire_time in milliseconds', { expire_time: FIXED_NOW }, 85401],
    ['expire_interval 0', { expire_type: 1, expire_interval: 0 }, 85402],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const { call } = await setup()
    expect((await call('/wxa/generatescheme', body)).errcode).toBe(errcode)
  })
})

describe('POST /wxa/genwxashortlink', () => {
  it('answers a #小程序:// link that opens the page with its query, temporary for 30 days', async () => {
    const { e, call } = await setup()
    const { link } = await call('/wxa/genwxashortlink', {
      page_url: 'pages/item/item?id=42',
      page_title: 'Item',
    })
    expect(link).toMatch(/^#小程序:\/\/wxkit\/[A-Za-z0-9]{15}$/)
    expect(await e.control.openLink(link as string)).toMatchObject({
      path: 'pages/item/item',
      query: 'id=42',
    })
    await e.control.advanceClock(30 * DAY * 1000)
    await expect(e.control.openLink(link as string)).rejects.toThrow(/expired/)
  })

  it('counts permanent links against their lifetime quota (85400); they never expire', async () => {
    const { e, call } = await setup({ miniProgram: { permanentShortLinks: 1 } })
    const { link } = await call('/wxa/genwxashortlink', { page_url: 'pages/a/a', is_permanent: true })
    expect((await call('/wxa/genwxashortlink', { page_url: 'pages/a/a', is_permanent: true })).errcode).toBe(
      85400,
    )
    expect((await call('/wxa/genwxashortlink', { page_url: 'pages/a/a' })).errcode).toBe(0)
    await e.control.advanceClock(365 * DAY * 1000)
    await expect(e.control.openLink(link as string)).resolves.toMatchObject({ path: 'pages/a/a' })
  })

  it.each([
    ['no page_url', {}, 40165],
    ['a page_url with a space', { page_url: 'pages/a/a?x=1 2' }, 40165],
    ['a non-string page_title', { page_url: 'pages/a/a', page_title: 1 }, 47001],
    ['a non-boolean is_permanent', { page_url: 'pages/a/a', is_permanent: 'yes' }, 47001],
  ])('answers %s with %i', async (_name, body, errcode) => {
    const { call } = await setup()
    expect((await call('/wxa/genwxashortlink', body)).errcode).toBe(errcode)
  })
})

describe('openLink', () => {
  it('refuses a non-string argument', async () => {
    const e = await emulator()
    await expect(e.control.openLink(7 as never)).rejects.toThrow(TypeError)
  })

  it('checks the miniProgram option at start-up', async () => {
    await expect(emulator({ miniProgram: { linksPerDay: -1 } })).rejects.toThrow(/miniProgram.linksPerDay/)
  })
})

describe('link ids', () => {
  it('are letters and digits only, as WeChat’s are, never the - or _ of its tokens', () => {
    const sample = Array.from({ length: 200 }, () => randomToken(13, 'alphanumeric')).join('')
    expect(sample).toMatch(/^[A-Za-z0-9]{2600}$/)
    expect(Array.from({ length: 200 }, () => randomToken(13)).join('')).toMatch(/[-_]/)
  })
})
