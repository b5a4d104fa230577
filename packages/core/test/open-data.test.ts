import { createCipheriv } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { decryptOpenData, isWechatDecryptError, verifyRawData, Wechat } from '../src/index.js'
import { expectNoSecrets, rejection } from './helpers.js'

const appId = 'wx4f4bc4dec97d474b'
const sessionKey = 'tiihtNczf5v6AKRyjwEUhQ=='
const iv = 'r7BXXKkLb8qrSNn05n0qiA=='
const encryptedData =
  'CiyLU1Aw2KjvrjMdj8YKliAjtP4gsMZMQmRzooG2xrDcvSnxIMXFufNstNGTyaGS9uT5geRa0W4oTOb1WT7fJlAC+oNPdbB+3hVbJSRgv+4lGOETKUQz6OYStslQ142dNCuabNPGBzlooOmB231qMM85d2/fV6ChevvXvQP8Hkue1poOFtnEtpyxVLW1zAo6/1Xx1COxFvrc2d7UL/lmHInNlxuacJXwu0fjpXfz/YqYzBIBzD6WUfTIF9GRHpOn/Hz7saL8xz+W//FRAUid1OksQaQx4CMs8LOddcQhULW4ucetDf96JcR3g0gfRK4PC7E/r7Z6xNrXd2UIeorGj5Ef7b1pJAYB6Y5anaHqZ9J6nKEBvB4DnNLIVWSgARns/8wR2SiRS7MNACwTyrGvt9ts8p12PKFdlqYTopNHR1Vf7XjfhQlVsAJdNiKdYmYVoKlaRv85IfVunYzO0IKXsyl7JCUjCpoG20f0a04COwfneQAGGwd5oa+T8yO5hzuyDb/XcxxmK01EpqOyuxINew=='

describe('decryptData', () => {
  test('decrypts the official sample and checks its watermark', () => {
    const wechat = new Wechat({ appId, appSecret: 'not-used-here' })
    const data = wechat.decryptData<{ openId: string; watermark: { appid: string; timestamp: number } }>(
      sessionKey,
      encryptedData,
      iv,
    )
    expect(data.openId).toBe('oGZUI0egBJY1zhBYw2KhdUfwVJJE')
    expect(data).toMatchObject({ nickName: 'Band', unionId: 'ocMvos6NjeKLIBqg5Mr9QjxrP1FA' })
    expect(data.watermark).toEqual({ timestamp: 1477314187, appid: appId })
  })

  test('refuses data whose watermark belongs to another AppID', async () => {
    const error = await rejection(
      Promise.resolve().then(() => decryptOpenData('wx0000000000000000', sessionKey, encryptedData, iv)),
    )
    expect(isWechatDecryptError(error)).toBe(true)
    expect((error as Error).message).toMatch(/watermark/)
  })

  test('fails with a WechatDecryptError, without echoing the key or data, for a wrong session key', async () => {
    const wrongKey = 'AAAAAAAAAAAAAAAAAAAAAA=='
    const error = await rejection(
      Promise.resolve().then(() => decryptOpenData(appId, wrongKey, encryptedData, iv)),
    )
    expect(isWechatDecryptError(error)).toBe(true)
    expectNoSecrets(error, [wrongKey, encryptedData.slice(0, 40), iv])
  })

  test('rejects keys and ivs that are not 16 bytes of base64', () => {
    expect(() => decryptOpenData(appId, 'short', encryptedData, iv)).toThrow(/sessionKey/)
    expect(() => decryptOpenData(appId, sessionKey, encryptedData, 'bad iv!')).toThrow(/iv/)
    expect(() => decryptOpenData(appId, sessionKey, '', iv)).toThrow(/encryptedData/)
  })
})

describe('decryptOpenData refuses what is not WeChat open data', () => {
  /** `plaintext` sealed as WeChat seals open data: AES-128-CBC, PKCS#7, under the sample key and iv. */
  const seal = (plaintext: string) => {
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(sessionKey, 'base64'), Buffer.from(iv, 'base64'))
    return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64')
  }
  const decryptError = (run: () => unknown) => {
    try {
      run()
    } catch (error) {
      return error
    }
    throw new Error('expected decryptOpenData to throw')
  }

  test('a plaintext that is not JSON, JSON null, or JSON without a watermark is a WechatDecryptError', () => {
    // Each decrypts cleanly, so only the plaintext checks stand between it and the caller.
    for (const plaintext of ['{"openId": "o1"', 'null', '42', '{"openId":"o1"}', '{"watermark":null}']) {
      const error = decryptError(() => decryptOpenData(appId, sessionKey, seal(plaintext), iv))
      expect(isWechatDecryptError(error), plaintext).toBe(true)
      expectNoSecrets(error, [sessionKey, plaintext])
    }
    // The same sealing with our own watermark decrypts, so the refusals above are about the plaintext.
    expect(decryptOpenData(appId, sessionKey, seal(`{"watermark":{"appid":"${appId}"}}`), iv)).toEqual({
      watermark: { appid: appId },
    })
  })

  test('a key, iv or data with a non-base64 character at either end is refused, though Node would skip it', () => {
    // Buffer.from(…, 'base64') ignores the stray character, so an unanchored pattern would let these decrypt.
    const cases: [field: string, key: string, data: string, iv: string][] = [
      ['sessionKey', `!${sessionKey}`, encryptedData, iv],
      ['sessionKey', `${sessionKey}!`, encryptedData, iv],
      ['iv', sessionKey, encryptedData, `!${iv}`],
      ['iv', sessionKey, encryptedData, `${iv}!`],
      ['encryptedData', sessionKey, `!${encryptedData}`, iv],
      ['encryptedData', sessionKey, `${encryptedData}!`, iv],
    ]
    for (const [field, key, data, vector] of cases) {
      const error = decryptError(() => decryptOpenData(appId, key, data, vector))
      expect(isWechatDecryptError(error), `${field}: ${key} ${vector}`).toBe(true)
      expect((error as Error).message).toContain(field)
    }
  })

  test('a key, iv or data that is not a string is a WechatDecryptError, even one that prints as valid base64', () => {
    const printsAs = (text: string) => ({ toString: () => text })
    const cases: [field: string, key: unknown, data: unknown, iv: unknown][] = [
      ['sessionKey', printsAs(sessionKey), encryptedData, iv],
      ['sessionKey', 1234567890, encryptedData, iv],
      ['iv', sessionKey, encryptedData, printsAs(iv)],
      ['encryptedData', sessionKey, printsAs(encryptedData), iv],
      ['encryptedData', sessionKey, undefined, iv],
    ]
    for (const [field, key, data, vector] of cases) {
      const error = decryptError(() =>
        decryptOpenData(appId, key as string, data as string, vector as string),
      )
      expect(isWechatDecryptError(error), field).toBe(true)
      expect((error as Error).message).toContain(field)
    }
  })
})

describe('verifyRawData', () => {
  const rawData =
    '{"nickName":"Band","gender":1,"language":"zh_CN","city":"Guangzhou","province":"Guangdong","country":"CN","avatarUrl":"http://wx.qlogo.cn/mmopen/vi_32/1vZvI39NWFQ9XM4LtQpFrQJ1xlgZxx3w7bQxKARol6503Iuswjjn6nIGBiaycAjAtpujxyzYsrztuuICqIM5ibXQ/0"}'
  const key = 'HyVFkGl5F5OQWJZZaNzBBg=='

  test('accepts the official example signature', () => {
    expect(verifyRawData(rawData, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', key)).toBe(true)
    expect(
      new Wechat({ appId, appSecret: 'x-secret' }).verifyRawData(
        rawData,
        '75e81ceda165f4ffa64f4068af58c64b8f54b88c',
        key,
      ),
    ).toBe(true)
  })

  test('rejects a tampered rawData, a wrong key and malformed signatures', () => {
    expect(verifyRawData(`${rawData} `, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', key)).toBe(false)
    expect(
      verifyRawData(rawData, '75e81ceda165f4ffa64f4068af58c64b8f54b88c', 'AAAAAAAAAAAAAAAAAAAAAA=='),
    ).toBe(false)
    expect(verifyRawData(rawData, '75e81ced', key)).toBe(false)
    expect(verifyRawData(rawData, 'zz'.repeat(20), key)).toBe(false)
  })

  test('accepts the signature in upper-case hex too', () => {
    expect(verifyRawData(rawData, '75E81CEDA165F4FFA64F4068AF58C64B8F54B88C', key)).toBe(true)
  })

  test('rejects a valid signature with anything before or after it, without throwing', () => {
    const valid = '75e81ceda165f4ffa64f4068af58c64b8f54b88c'
    for (const signature of [`${valid}zz`, `${valid}00`, `${valid} `, `00${valid}`, `${valid}\n`]) {
      expect(verifyRawData(rawData, signature, key), signature).toBe(false)
    }
  })

  test('answers false, never true or a throw, for a rawData, signature or key that is not a string', () => {
    const valid = '75e81ceda165f4ffa64f4068af58c64b8f54b88c'
    const notStrings: unknown[] = [undefined, null, 42, { toString: () => rawData }, [rawData]]
    for (const bad of notStrings) {
      expect(verifyRawData(bad as string, valid, key)).toBe(false)
      expect(verifyRawData(rawData, bad as string, key)).toBe(false)
      expect(verifyRawData(rawData, valid, bad as string)).toBe(false)
    }
    // A signature that only prints as the valid one (its text passes the hex pattern) is not a string either.
    for (const printsValid of [{ toString: () => valid }, [valid]]) {
      expect(verifyRawData(rawData, printsValid as unknown as string, key)).toBe(false)
    }
    // Nor is a session key that only prints as the right one (rawData + key would hash to the valid signature).
    for (const printsKey of [{ toString: () => key }, [key]]) {
      expect(verifyRawData(rawData, valid, printsKey as unknown as string)).toBe(false)
    }
  })
})
