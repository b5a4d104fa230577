import { describe, expect, it } from 'vitest'
import { connectEmulator, DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator, FIXED_NOW, getJson, postJson, RID } from './support/emulator-fixture.js'

const OTHER_APP = { appId: 'wx00000000000000b2', appSecret: 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2' }

describe('followers: follow(), unfollow(), user/info, batchget and user/get', () => {
  it('answers user/info for a follower with the post-2021 fields and no nickname or avatar', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const { openid, followed } = await e.control.follow({
      unionid: 'uUnion1',
      scene: 'ADD_SCENE_PROFILE_CARD',
    })
    expect(followed).toBe(true)
    expect(openid).toMatch(/^o[A-Za-z0-9_-]{27}$/)
    const info = await getJson(
      `${e.apiBaseUrl}/cgi-bin/user/info?access_token=${token}&openid=${openid}&lang=en`,
    )
    expect(info).toEqual({
      subscribe: 1,
      openid,
      language: 'zh_CN',
      subscribe_time: Math.floor(FIXED_NOW / 1000),
      unionid: 'uUnion1',
      remark: '',
      groupid: 0,
      tagid_list: [],
      subscribe_scene: 'ADD_SCENE_PROFILE_CARD',
      qr_scene: 0,
      qr_scene_str: '',
    })
    expect(info).not.toHaveProperty('nickname')
    expect(info).not.toHaveProperty('headimgurl')
    expect(info).not.toHaveProperty('errcode')
  })

  it('answers subscribe: 0 after unfollow, and 40003 for an openid the app never saw or of another app', async () => {
    const e = await emulator({ apps: [DEFAULT_APP, OTHER_APP] })
    const token = await classicToken(e)
    const { openid } = await e.control.follow({ unionid: 'uUnion2' })
    expect(await e.control.unfollow(openid)).toMatchObject({ unfollowed: true })
    expect(await e.control.unfollow({ openid })).toEqual({ unfollowed: false })
    const url = `${e.apiBaseUrl}/cgi-bin/user/info?access_token=${token}&openid=`
    expect(await getJson(url + openid)).toEqual({ subscribe: 0, openid, unionid: 'uUnion2' })
    const stranger = await getJson(`${url}oNeverSeen000000000000000000`)
    expect(stranger).toMatchObject({ errcode: 40003, errmsg: expect.stringMatching(RID) })
    const theirs = await e.control.follow({ appId: OTHER_APP.appId })
    expect((await getJson(url + theirs.openid)).errcode).toBe(40003)
    expect((await getJson(`${url}${openid}&lang=fr`)).errcode).toBe(40097)
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/user/info?access_token=${token}`)).errcode).toBe(40003)
  })

  it('follows an openid only once: a second follow() changes nothing', async () => {
    const e = await emulator()
    const first = await e.control.follow({ openid: 'oRepeat000000000000000000000' })
    const second = await e.control.follow({ openid: 'oRepeat000000000000000000000' })
    expect([first.followed, second.followed]).toEqual([true, false])
    expect(second.push).toBeUndefined()
  })

  it('answers batchget in request order, with followers and non-followers, and limits the list to 100', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    const a = await e.control.follow()
    const b = await e.control.follow()
    await e.control.unfollow(b.openid)
    const url = `${e.apiBaseUrl}/cgi-bin/user/info/batchget?access_token=${token}`
    const body = await postJson(url, {
      user_list: [{ openid: b.openid }, { openid: a.openid, lang: 'zh_TW' }],
    })
    expect(body).toEqual({
      user_info_list: [
        { subscribe: 0, openid: b.openid },
        expect.objectContaining({ subscribe: 1, openid: a.openid }),
      ],
    })
    const many = Array.from({ length: 101 }, () => ({ openid: a.openid }))
    expect((await postJson(url, { user_list: many })).errcode).toBe(40032)
    expect((await postJson(url, { user_list: [] })).errcode).toBe(40032)
    expect((await postJson(url, { user_list: 'x' })).errcode).toBe(47001)
    expect((await postJson(url, { user_list: [a.openid] })).errcode).toBe(47001)
    expect((await postJson(url, { user_list: [{ openid: 'oNope' }] })).errcode).toBe(40003)
  })

  it('pages user/get at the configured size, in follow order, and ends with count 0 and an empty next_openid', async () => {
    const e = await emulator({ officialAccount: { followerPageSize: 2 } })
    const token = await classicToken(e)
    const openids: string[] = []
    for (let i = 0; i < 5; i++) openids.push((await e.control.follow()).openid)
    const url = `${e.apiBaseUrl}/cgi-bin/user/get?access_token=${token}&next_openid=`
    const seen: string[] = []
    let next = ''
    const counts: number[] = []
    for (let page = 0; page < 10; page++) {
      const body = (await getJson(url + next)) as {
        total: number
        count: number
        data?: { openid: string[] }
        next_openid: string
      }
      expect(body.total).toBe(5)
      counts.push(body.count)
      if (body.count === 0) {
        expect(body).toEqual({ total: 5, count: 0, next_openid: '' })
        break
      }
      seen.push(...(body.data?.openid ?? []))
      next = body.next_openid
      expect(next).toBe(body.data?.openid.at(-1))
    }
    expect(counts).toEqual([2, 2, 1, 0])
    expect(seen).toEqual(openids)
    expect((await getJson(`${url}oNotAFollower0000000000000000`)).errcode).toBe(40003)
  })

  it('refuses a page size outside 1–10000 at start-up', async () => {
    await expect(emulator({ officialAccount: { followerPageSize: 0 } })).rejects.toThrow(/followerPageSize/)
    await expect(emulator({ officialAccount: { followerPageSize: 10_001 } })).rejects.toThrow(
      /followerPageSize/,
    )
  })

  it('refuses follow/unfollow arguments that would do nothing or the wrong thing, in process and over HTTP', async () => {
    const e = await emulator()
    const remote = connectEmulator(e.url)
    for (const control of [e.control, remote]) {
      await expect(control.follow({ openid: '' })).rejects.toThrow(/openid must be a non-empty string/)
      await expect(control.follow({ scene: 'ADD_SCENE_NOWHERE' as never })).rejects.toThrow(/scene must be/)
      await expect(control.follow({ scene: 'ADD_SCENE_QR_CODE' })).rejects.toThrow(/scanQrCode/)
      await expect(control.follow({ appId: 'wx0000000000000000' })).rejects.toThrow(/unknown appId/)
      await expect(control.unfollow('')).rejects.toThrow(/needs an openid/)
    }
    const { openid } = await remote.follow({ openid: 'oRemote00000000000000000000' })
    expect(openid).toBe('oRemote00000000000000000000')
    expect(await remote.unfollow('oRemote00000000000000000000')).toMatchObject({ unfollowed: true })
  })

  it('forgets followers on reset()', async () => {
    const e = await emulator()
    const token = await classicToken(e)
    await e.control.follow()
    await e.control.reset()
    const fresh = await classicToken(e)
    expect(fresh).not.toBe(token)
    const body = await getJson(`${e.apiBaseUrl}/cgi-bin/user/get?access_token=${fresh}`)
    expect(body).toEqual({ total: 0, count: 0, next_openid: '' })
  })

  it('answers the token errors before anything else', async () => {
    const e = await emulator()
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/user/get`)).errcode).toBe(41001)
    expect((await getJson(`${e.apiBaseUrl}/cgi-bin/user/info?access_token=junk&openid=o1`)).errcode).toBe(
      40014,
    )
  })
})
