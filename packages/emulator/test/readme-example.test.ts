import { afterAll, beforeAll, expect, it } from 'vitest'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '../src/index.js'

let wechat: RunningEmulator
beforeAll(async () => {
  wechat = await startEmulator({ port: 0 })
})
afterAll(() => wechat.close())

it('logs a mini-program user in', async () => {
  const code = await wechat.control.mintCode({ kind: 'login' }) // what wx.login() would give the client
  const res = await fetch(
    `${wechat.apiBaseUrl}/sns/jscode2session?appid=${DEFAULT_APP.appId}` +
      `&secret=${DEFAULT_APP.appSecret}&js_code=${code}&grant_type=authorization_code`,
  )
  const session = JSON.parse(await res.text()) // served as text/plain, like WeChat
  expect(session.openid).toMatch(/^o/)
})
