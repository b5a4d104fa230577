import { describe, expect, it } from 'vitest'
import { DemoConfigError, readDemoConfig } from '../server/config.js'

const APP_ID = 'wx0123456789abcdef'
const APP_SECRET = 'not-a-real-secret-0123456789abcd'
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
const REAL = { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET }

function configError(env: Record<string, string>): DemoConfigError {
  try {
    readDemoConfig(env)
  } catch (error) {
    if (error instanceof DemoConfigError) return error
    throw error
  }
  throw new Error('readDemoConfig accepted the environment')
}

describe('readDemoConfig', () => {
  it('runs on the embedded emulator on port 3000 when nothing is set', () => {
    expect(readDemoConfig({})).toEqual({ mode: 'emulator', port: 3000, extraOrigins: [] })
  })

  it('treats blank variables as unset', () => {
    expect(readDemoConfig({ WECHAT_APP_ID: '  ', WECHAT_APP_SECRET: '', PORT: '' }).mode).toBe('emulator')
  })

  it('switches to real WeChat when both credentials are set', () => {
    const config = readDemoConfig({ WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET, PORT: '8080' })
    expect(config).toEqual({
      mode: 'wechat',
      port: 8080,
      extraOrigins: [],
      wechat: { appId: APP_ID, appSecret: APP_SECRET },
    })
  })

  it('reads the two WeChat host overrides, without a trailing slash', () => {
    const config = readDemoConfig({
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: APP_SECRET,
      WECHAT_API_BASE_URL: 'http://127.0.0.1:4000/',
      WECHAT_OAUTH_BASE_URL: 'https://gateway.example.com/open',
    })
    expect(config.wechat).toEqual({
      appId: APP_ID,
      appSecret: APP_SECRET,
      baseURL: 'http://127.0.0.1:4000',
      oauthBaseURL: 'https://gateway.example.com/open',
    })
  })

  it('reads extra page origins separated by commas or spaces', () => {
    const config = readDemoConfig({
      WECHAT_JSSDK_ORIGINS: 'https://a.example.com, https://b.example.com:8443 ',
    })
    expect(config.extraOrigins).toEqual(['https://a.example.com', 'https://b.example.com:8443'])
  })

  it('keeps SESSION_SECRET when it is long enough', () => {
    expect(
      readDemoConfig({ SESSION_SECRET: 'a-session-secret-of-some-length-0123456789' }).sessionSecret,
    ).toBe('a-session-secret-of-some-length-0123456789')
  })

  it('reads the push route’s console settings, safe mode by default with a key', () => {
    const real = { WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET, WECHAT_PUSH_TOKEN: 'pushToken1' }
    expect(readDemoConfig(real).push).toEqual({ token: 'pushToken1', mode: 'plain' })
    expect(readDemoConfig({ ...real, WECHAT_PUSH_AES_KEY: AES_KEY }).push).toEqual({
      token: 'pushToken1',
      encodingAESKey: AES_KEY,
      mode: 'safe',
    })
    expect(
      readDemoConfig({ ...real, WECHAT_PUSH_AES_KEY: AES_KEY, WECHAT_PUSH_MODE: 'compatible' }).push?.mode,
    ).toBe('compatible')
    expect(readDemoConfig({ WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET }).push).toBeUndefined()
  })

  it.each([
    [{ WECHAT_PUSH_TOKEN: 'pushToken1' }, 'WECHAT_PUSH_TOKEN needs WECHAT_APP_ID'],
    [{ ...REAL, WECHAT_PUSH_AES_KEY: AES_KEY }, 'need WECHAT_PUSH_TOKEN'],
    [{ ...REAL, WECHAT_PUSH_TOKEN: 'x' }, 'WECHAT_PUSH_TOKEN must be 3 to 32'],
    [
      { ...REAL, WECHAT_PUSH_TOKEN: 'pushToken1', WECHAT_PUSH_AES_KEY: 'short' },
      'WECHAT_PUSH_AES_KEY must be 43',
    ],
    [{ ...REAL, WECHAT_PUSH_TOKEN: 'pushToken1', WECHAT_PUSH_MODE: 'secret' }, 'WECHAT_PUSH_MODE must be'],
    [{ ...REAL, WECHAT_PUSH_TOKEN: 'pushToken1', WECHAT_PUSH_MODE: 'safe' }, 'needs WECHAT_PUSH_AES_KEY'],
  ])('refuses push settings %j with a message naming the variable', (env, message) => {
    const error = configError(env)
    expect(error.message).toContain(message)
    expect(error.message).not.toContain('pushToken1')
  })

  it.each([
    [{ WECHAT_APP_ID: APP_ID }, 'WECHAT_APP_ID is set but WECHAT_APP_SECRET is not'],
    [{ WECHAT_APP_SECRET: APP_SECRET }, 'WECHAT_APP_SECRET is set but WECHAT_APP_ID is not'],
    [{ WECHAT_APP_ID: APP_SECRET, WECHAT_APP_SECRET: APP_ID }, 'WECHAT_APP_ID must look like wx'],
    [{ WECHAT_API_BASE_URL: 'http://127.0.0.1:4000' }, 'WECHAT_API_BASE_URL needs WECHAT_APP_ID'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number'],
    [{ PORT: '70000' }, 'PORT must be a whole number'],
    [{ PORT: '-1' }, 'PORT must be a whole number'],
    [{ SESSION_SECRET: 'short' }, 'SESSION_SECRET must be at least 32 characters'],
    [{ WECHAT_JSSDK_ORIGINS: 'example.com' }, 'is not an http(s) origin'],
    [{ WECHAT_JSSDK_ORIGINS: 'https://example.com/page' }, 'must be an origin only'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(configError(env).message).toContain(message)
  })

  it.each([
    ['WECHAT_API_BASE_URL', 'ftp://example.com'],
    ['WECHAT_API_BASE_URL', 'not a url'],
    ['WECHAT_OAUTH_BASE_URL', 'https://user:pass@example.com'],
    ['WECHAT_OAUTH_BASE_URL', 'https://example.com/?secret=1'],
  ])('refuses %s=%s', (name, value) => {
    const error = configError({ WECHAT_APP_ID: APP_ID, WECHAT_APP_SECRET: APP_SECRET, [name]: value })
    expect(error.message).toContain(name)
  })

  it('never puts a secret value into its messages', () => {
    const messages = [
      configError({ WECHAT_APP_SECRET: APP_SECRET }).message,
      configError({ WECHAT_APP_ID: APP_SECRET, WECHAT_APP_SECRET: APP_SECRET }).message,
      configError({ SESSION_SECRET: 'tiny-secret' }).message,
      configError({
        WECHAT_APP_ID: APP_ID,
        WECHAT_APP_SECRET: APP_SECRET,
        WECHAT_API_BASE_URL: 'https://user:pass@example.com',
      }).message,
    ]
    for (const message of messages) {
      expect(message).not.toContain(APP_SECRET)
      expect(message).not.toContain('tiny-secret')
      expect(message).not.toContain('pass@')
    }
  })
})
