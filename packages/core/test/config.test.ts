import { describe, expect, test } from 'vitest'
import { isWechatValidationError, Wechat, type WechatConfig } from '../src/index.js'
import { DEFAULT_APP } from './helpers.js'

function fieldOf(config: Partial<WechatConfig>): string | false {
  try {
    new Wechat({ ...DEFAULT_APP, ...config } as WechatConfig)
    return false
  } catch (error) {
    return isWechatValidationError(error) && error.field
  }
}

describe('configuration', () => {
  test.each([
    [{ appId: '' }, 'appId'],
    [{ appSecret: '   ' }, 'appSecret'],
    [{ env: 'prod' as never }, 'env'],
    [{ tokenMode: 'fast' as never }, 'tokenMode'],
    [{ baseURL: 'not a url' }, 'baseURL'],
    [{ oauthBaseURL: 'ftp://x' }, 'oauthBaseURL'],
    [{ proxy: 'socks://x' }, 'proxy'],
    [{ timeout: 0 }, 'timeout'],
    [{ cache: {} as never }, 'cache'],
    [{ lock: {} as never }, 'lock'],
    [{ logger: {} as never }, 'logger'],
    [{ retry: { limit: -1 } }, 'retry.limit'],
  ])('refuses %j at construction, naming the option', (config, field) => {
    expect(fieldOf(config)).toBe(field)
  })

  test('error messages name the package and never echo the secret', () => {
    try {
      new Wechat({ appId: '', appSecret: DEFAULT_APP.appSecret })
    } catch (error) {
      expect((error as Error).message).toMatch(/^@wxkit\/core: invalid appId/)
      expect((error as Error).message).not.toContain(DEFAULT_APP.appSecret)
    }
    expect.assertions(2)
  })

  test('defaults: release env, stable tokens, WeChat origins', () => {
    const wechat = new Wechat(DEFAULT_APP)
    expect(wechat.env).toBe('release')
    expect(wechat.appId).toBe(DEFAULT_APP.appId)
    expect(
      wechat.buildOauth2AuthorizeUrl({ redirectUri: 'https://e.com/', scope: 'snsapi_base', state: '' }),
    ).toMatch(/^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?/)
  })

  test('the client prints no secret when inspected', async () => {
    const { inspect } = await import('node:util')
    const wechat = new Wechat(DEFAULT_APP)
    expect(inspect(wechat, { depth: 10, showHidden: true })).not.toContain(DEFAULT_APP.appSecret)
    expect(JSON.stringify(wechat)).not.toContain(DEFAULT_APP.appSecret)
  })

  test.each([
    ['javascript:alert(1)'],
    ['/relative/path'],
    ['https://exa mple.com/'],
    ['https://user:pw@example.com/'],
    [''],
  ])('getJsSdkConfig refuses %j before any request (field url)', async (url) => {
    const wechat = new Wechat({ ...DEFAULT_APP, baseURL: 'http://127.0.0.1:9' })
    await expect(wechat.getJsSdkConfig(url)).rejects.toMatchObject({
      name: 'WechatValidationError',
      field: 'url',
    })
  })
})
