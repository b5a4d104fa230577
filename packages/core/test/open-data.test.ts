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
  })
})
