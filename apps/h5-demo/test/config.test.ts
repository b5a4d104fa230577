import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_MERCHANT, PAY_PLATFORM_PUBLIC_KEY } from '@wxkit/emulator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DemoConfigError, readDemoConfig } from '../server/config.js'
import { emulatorMerchantEnv } from './support/pay-env.js'

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

  it('reads PUBLIC_URL as an origin, and requires it in real mode in production', () => {
    expect(readDemoConfig({ PUBLIC_URL: 'https://h5.example.com/' }).publicUrl).toBe('https://h5.example.com')
    expect(readDemoConfig({ NODE_ENV: 'production' }).publicUrl).toBeUndefined()
    expect(configError({ ...REAL, NODE_ENV: 'production' }).message).toContain(
      'PUBLIC_URL is required with NODE_ENV=production in real mode',
    )
    expect(
      readDemoConfig({ ...REAL, NODE_ENV: 'production', PUBLIC_URL: 'https://h5.example.com' }).mode,
    ).toBe('wechat')
    expect(configError({ PUBLIC_URL: 'https://h5.example.com/shop' }).message).toContain(
      'PUBLIC_URL: "https://h5.example.com/shop" must be an origin only',
    )
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

describe('readDemoConfig: the WeChat Pay merchant (WECHAT_PAY_*)', () => {
  const NOTIFY = 'https://h5.example.com/wechat/pay/notify'
  const PAY = emulatorMerchantEnv(NOTIFY)
  const MERCHANT = {
    mchId: DEFAULT_MERCHANT.mchid,
    merchantSerialNo: DEFAULT_MERCHANT.serialNo,
    privateKey: DEFAULT_MERCHANT.privateKey.trim(),
    apiV3Key: DEFAULT_MERCHANT.apiV3Key,
    publicKeyId: PAY_PLATFORM_PUBLIC_KEY.publicKeyId,
    publicKey: PAY_PLATFORM_PUBLIC_KEY.publicKey.trim(),
    notifyUrl: NOTIFY,
  }
  let folder: string
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'h5-demo-pay-keys-'))
    await writeFile(join(folder, 'apiclient_key.pem'), DEFAULT_MERCHANT.privateKey)
    await writeFile(join(folder, 'pub_key.pem'), PAY_PLATFORM_PUBLIC_KEY.publicKey)
  })
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true })
  })

  it('is off without any WECHAT_PAY_* (the card then says what to set)', () => {
    expect(readDemoConfig(REAL).pay).toBeUndefined()
  })

  it('reads the merchant in real mode, the keys inline (\\n for newlines too) or from files', () => {
    expect(readDemoConfig({ ...REAL, ...PAY }).pay).toEqual(MERCHANT)
    const oneLine = DEFAULT_MERCHANT.privateKey.trim().replaceAll('\n', '\\n')
    expect(readDemoConfig({ ...REAL, ...PAY, WECHAT_PAY_PRIVATE_KEY: oneLine }).pay).toEqual(MERCHANT)
    const { WECHAT_PAY_PRIVATE_KEY: _private, WECHAT_PAY_PUBLIC_KEY: _public, ...rest } = PAY
    const fromFiles = readDemoConfig({
      ...REAL,
      ...rest,
      WECHAT_PAY_PRIVATE_KEY_FILE: join(folder, 'apiclient_key.pem'),
      WECHAT_PAY_PUBLIC_KEY_FILE: join(folder, 'pub_key.pem'),
      WECHAT_PAY_BASE_URL: 'http://127.0.0.1:4000/',
    }).pay
    expect(fromFiles).toEqual({
      ...MERCHANT,
      privateKey: DEFAULT_MERCHANT.privateKey,
      publicKey: PAY_PLATFORM_PUBLIC_KEY.publicKey,
      baseURL: 'http://127.0.0.1:4000',
    })
  })

  it.each([
    [{ WECHAT_PAY_MCH_ID: '1900000001' }, 'WECHAT_PAY_MCH_ID needs WECHAT_APP_ID and WECHAT_APP_SECRET'],
    [
      { ...REAL, WECHAT_PAY_MCH_ID: '1900000001' },
      'missing: WECHAT_PAY_SERIAL_NO, WECHAT_PAY_PRIVATE_KEY(_FILE)',
    ],
    [{ ...REAL, ...PAY, WECHAT_PAY_NOTIFY_URL: '' }, 'missing: WECHAT_PAY_NOTIFY_URL'],
    [{ ...REAL, ...PAY, WECHAT_PAY_MCH_ID: 'mch-1' }, 'WECHAT_PAY_MCH_ID must be the digits'],
    [{ ...REAL, ...PAY, WECHAT_PAY_SERIAL_NO: 'not hex' }, 'WECHAT_PAY_SERIAL_NO must be the hex'],
    [
      { ...REAL, ...PAY, WECHAT_PAY_API_V3_KEY: 'too-short-v3-key' },
      'WECHAT_PAY_API_V3_KEY must be exactly 32 bytes',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_PUBLIC_KEY_ID: 'ABCDEF' },
      'WECHAT_PAY_PUBLIC_KEY_ID must look like PUB_KEY_ID_',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_PRIVATE_KEY: 'not a key' },
      'WECHAT_PAY_PRIVATE_KEY must be a PEM RSA private key',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_PRIVATE_KEY: PAY_PLATFORM_PUBLIC_KEY.publicKey },
      'WECHAT_PAY_PRIVATE_KEY must be a PEM RSA private key',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_PUBLIC_KEY: 'not a key' },
      'WECHAT_PAY_PUBLIC_KEY must be a PEM RSA public key',
    ],
    [{ ...REAL, ...PAY, WECHAT_PAY_PRIVATE_KEY_FILE: '/nowhere/key.pem' }, 'set WECHAT_PAY_PRIVATE_KEY or'],
    [
      { ...REAL, ...PAY, WECHAT_PAY_PUBLIC_KEY: '', WECHAT_PAY_PUBLIC_KEY_FILE: '/nowhere/pub_key.pem' },
      'WECHAT_PAY_PUBLIC_KEY_FILE: cannot read /nowhere/pub_key.pem (ENOENT)',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_NOTIFY_URL: 'http://h5.example.com/wechat/pay/notify' },
      'must be an https URL',
    ],
    [{ ...REAL, ...PAY, WECHAT_PAY_NOTIFY_URL: `${NOTIFY}?from=demo` }, 'must not carry a query'],
    [
      {
        ...REAL,
        ...PAY,
        WECHAT_PAY_NOTIFY_URL: `https://h5.example.com/${'a'.repeat(250)}/wechat/pay/notify`,
      },
      'at most 255',
    ],
    [
      { ...REAL, ...PAY, WECHAT_PAY_NOTIFY_URL: 'https://h5.example.com/pay/notify' },
      'must end with /wechat/pay/notify',
    ],
    [{ ...REAL, ...PAY, WECHAT_PAY_BASE_URL: 'ftp://pay.example.com' }, 'WECHAT_PAY_BASE_URL must be'],
  ])('refuses %j with a message naming the variable, never a key', (env, message) => {
    const error = configError(env)
    expect(error.message).toContain(message)
    for (const secret of [
      DEFAULT_MERCHANT.apiV3Key,
      'too-short-v3-key',
      'PRIVATE KEY-----\nMII',
      'not a key',
    ]) {
      expect(error.message).not.toContain(secret)
    }
  })
})
