import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, test } from 'vitest'
import {
  ErrCode,
  isWechatError,
  isWechatResponseError,
  isWechatValidationError,
  Wechat,
} from '../src/index.js'
import { calls, client, DEFAULT_APP, emulator, rejection } from './helpers.js'

const BATCH = '/cgi-bin/user/info/batchget'
const LIST = '/cgi-bin/user/get'

describe('getUserInfo', () => {
  test('a follower with the post-2021 fields, then subscribe: 0 once they unfollow', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const { openid } = await emu.control.follow({ unionid: 'oUnion1', scene: 'ADD_SCENE_PROFILE_CARD' })
    const user = await wechat.getUserInfo(openid, { lang: 'en' })
    expect(user).toMatchObject({
      subscribe: 1,
      openid,
      unionid: 'oUnion1',
      subscribe_scene: 'ADD_SCENE_PROFILE_CARD',
    })
    expect(user).not.toHaveProperty('nickname')
    await emu.control.unfollow(openid)
    expect(await wechat.getUserInfo(openid)).toEqual({ subscribe: 0, openid, unionid: 'oUnion1' })
  })

  test('an openid the account never saw is WechatError 40003', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).getUserInfo('oNeverSeen000000000000000000'))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
  })

  test.each([
    ['', {}, 'openid'],
    ['o1', { lang: 'fr' }, 'lang'],
  ])('refuses openid %j with %j before any request', async (openid, options, field) => {
    const emu = await emulator()
    const error = await rejection(client(emu).getUserInfo(openid, options as never))
    expect(isWechatValidationError(error) && error.field).toBe(field)
    expect((await emu.control.counters()).calls).toEqual({})
  })
})

describe('batchGetUserInfo', () => {
  test('splits 250 users into calls of 100, 100 and 50 and keeps the order', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    const openids: string[] = []
    for (let i = 0; i < 250; i++) openids.push((await emu.control.follow()).openid)
    const users = await wechat.batchGetUserInfo([
      ...openids.slice(0, 249),
      { openid: openids[249] as string, lang: 'en' },
    ])
    expect(users.map((user) => user.openid)).toEqual(openids)
    expect(users.every((user) => user.subscribe === 1)).toBe(true)
    expect(await calls(emu, BATCH)).toBe(3)
  })

  test('an empty list answers [] without a request; a bad entry anywhere is refused before the first call', async () => {
    const emu = await emulator()
    const wechat = client(emu)
    expect(await wechat.batchGetUserInfo([])).toEqual([])
    const list = [...Array.from({ length: 150 }, (_, i) => `oUser${i}`), { openid: 'o2', lang: 'xx' }]
    const error = await rejection(wechat.batchGetUserInfo(list as never))
    expect(isWechatValidationError(error) && error.field).toBe('openids[150].lang')
    expect((await emu.control.counters()).calls).toEqual({})
  })

  test('an unknown openid in a chunk is WechatError 40003', async () => {
    const emu = await emulator()
    const error = await rejection(client(emu).batchGetUserInfo(['oNeverSeen000000000000000000']))
    expect(isWechatError(error) && error.errcode).toBe(ErrCode.InvalidOpenid)
  })
})

describe('followers() and getFollowers()', () => {
  test('iterates every follower over several pages, one request per page plus the closing one', async () => {
    const emu = await emulator({ officialAccount: { followerPageSize: 3 } })
    const wechat = client(emu)
    const openids: string[] = []
    for (let i = 0; i < 8; i++) openids.push((await emu.control.follow()).openid)
    const seen: string[] = []
    for await (const openid of wechat.followers()) seen.push(openid)
    expect(seen).toEqual(openids)
    // Pages of 3, 3 and 2, then the call that answers count 0.
    expect(await calls(emu, LIST)).toBe(4)
  })

  test('a consumer that stops early fetches no further page', async () => {
    const emu = await emulator({ officialAccount: { followerPageSize: 2 } })
    const wechat = client(emu)
    for (let i = 0; i < 6; i++) await emu.control.follow()
    for await (const _ of wechat.followers()) break
    expect(await calls(emu, LIST)).toBe(1)
  })

  test('no followers: one request, nothing yielded', async () => {
    const emu = await emulator()
    const seen: string[] = []
    for await (const openid of client(emu).followers()) seen.push(openid)
    expect(seen).toEqual([])
    expect(await calls(emu, LIST)).toBe(1)
  })

  test('getFollowers answers one raw page, and the cursor from it gives the next', async () => {
    const emu = await emulator({ officialAccount: { followerPageSize: 2 } })
    const wechat = client(emu)
    const openids: string[] = []
    for (let i = 0; i < 3; i++) openids.push((await emu.control.follow()).openid)
    const first = await wechat.getFollowers()
    expect(first).toEqual({
      total: 3,
      count: 2,
      data: { openid: openids.slice(0, 2) },
      next_openid: openids[1],
    })
    const second = await wechat.getFollowers(first.next_openid)
    expect(second.data?.openid).toEqual(openids.slice(2))
    expect(await wechat.getFollowers(second.next_openid)).toEqual({ total: 3, count: 0, next_openid: '' })
  })

  test('a server whose cursor does not move ends the iteration with WechatResponseError, not a loop', async () => {
    const stuck = { total: 2, count: 1, data: { openid: ['oA'] }, next_openid: 'oA' }
    const token = { access_token: `86_${'t'.repeat(150)}`, expires_in: 7200 }
    const server = createServer((req, res) => {
      res.end(JSON.stringify(req.url?.startsWith('/cgi-bin/stable_token') ? token : stuck))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL: `http://127.0.0.1:${port}` })
    const seen: string[] = []
    const error = await rejection(
      (async () => {
        for await (const openid of wechat.followers()) seen.push(openid)
      })(),
    ).finally(() => {
      server.close()
      return wechat.close()
    })
    expect(isWechatResponseError(error)).toBe(true)
    expect(seen).toEqual(['oA', 'oA'])
  })
})
