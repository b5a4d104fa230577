import { createDecipheriv } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { isWechatDecryptError, WechatMessageCrypto, type WechatMessageDecryptError } from '../src/index.js'

// §9.4, vector A: the official WXBizMsgCrypt sample.
const A = new WechatMessageCrypto({
  token: 'pamtest',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxb11529c136998cb6',
})
const A_ENCRYPT = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=='

// §9.4, vector C: the official Mini Program JSON sample, whose plaintext ends in a 19-byte pad.
const C = new WechatMessageCrypto({
  token: 'AAAAA',
  encodingAESKey: 'A'.repeat(43),
  appId: 'wxba5fad812f8e6fb9',
})
const C_ENCRYPT =
  '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04='

function decryptError(run: () => unknown): WechatMessageDecryptError {
  try {
    run()
  } catch (error) {
    expect(isWechatDecryptError(error)).toBe(true)
    return error as WechatMessageDecryptError
  }
  throw new Error('expected a decrypt error')
}

describe('WechatMessageCrypto', () => {
  it('reproduces vector A: encrypt with the fixed random, decrypt, msg_signature', () => {
    expect(A.encrypt('我是中文abcd123', { random: 'aaaabbbbccccdddd' })).toBe(A_ENCRYPT)
    expect(A.decrypt(A_ENCRYPT)).toBe('我是中文abcd123')
    expect(A.signature('1409304348', 'xxxxxx', A_ENCRYPT)).toBe('82c962d39941aa48552f90ef55aa323dc620cc10')
  })

  it('reproduces vector C: the URL signature, the msg_signature, the 19-byte pad and the reply', () => {
    expect(C.signature('1714112445', '415670741')).toBe('6c5c811b55cc85e0e1b54100749188c20beb3f5d')
    expect(C.signature(1714112445, '415670741', C_ENCRYPT)).toBe('046e02f8204d34f8ba5fa3b1db94908f3df2e9b3')
    expect(JSON.parse(C.decrypt(C_ENCRYPT))).toEqual({
      ToUserName: 'gh_97417a04a28d',
      FromUserName: 'o9AgO5Kd5ggOC-bXrbNODIiE3bGY',
      CreateTime: 1714112445,
      MsgType: 'event',
      Event: 'debug_demo',
      debug_str: 'hello world',
    })
    const reply = C.encrypt('{"demo_resp":"good luck"}', { random: Buffer.from('707722b803182950') })
    expect(reply).toBe(
      'ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==',
    )
    expect(C.signature('1713424427', '415670741', reply)).toBe('1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1')
  })

  it('decrypts vector B, the WeCom variant with the corpid as the trailing field', () => {
    const B = new WechatMessageCrypto({
      token: '123456',
      encodingAESKey: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
      appId: 'wx49f0ab532d5d035a',
    })
    const echostr = '4ByGGj+sVCYcvGeQYhaKIk1o0pQRNbRjxybjTGblXrBaXlTXeOo1+bXFXDQQb1o6co6Yh9Bv41n7hOchLF6p+Q=='
    expect(B.signature('1411443780', '437374425', echostr)).toBe('dd6b9c95b495b3f7e2901bfbc76c664930ffdb96')
    expect(B.decrypt(echostr)).toBe('5927782489442352469')
  })

  it('uses fresh random bytes by default, so two encryptions differ but both decrypt', () => {
    const one = A.encrypt('same')
    const two = A.encrypt('same')
    expect(one).not.toBe(two)
    expect([A.decrypt(one), A.decrypt(two)]).toEqual(['same', 'same'])
  })

  it('never reuses the random prefix, across several refills of its random pool', () => {
    const key = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=', 'base64')
    const prefixes = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false)
      const plain = decipher.update(Buffer.from(A.encrypt(`message ${i}`), 'base64'))
      prefixes.add(plain.subarray(0, 16).toString('hex'))
      expect(plain.readUInt32BE(16)).toBe(Buffer.byteLength(`message ${i}`))
    }
    expect(prefixes.size).toBe(1000)
  })

  it('writes multi-byte messages and a fixed random given as bytes or an array the same way', () => {
    const random = Buffer.from('aaaabbbbccccdddd')
    expect(A.encrypt('我是中文abcd123', { random: new Uint8Array(random) })).toBe(A_ENCRYPT)
    expect(A.encrypt('我是中文abcd123', { random: [...random] as unknown as Uint8Array })).toBe(A_ENCRYPT)
    const text = '😀 emoji, 中文 and a lone \ud800 surrogate'
    expect(A.decrypt(A.encrypt(text))).toBe(text.replace('\ud800', '\ufffd'))
  })

  it('throws a typed error for a wrong key, another appid, truncated base64 and a bad pad', () => {
    const other = new WechatMessageCrypto({
      token: 'pamtest',
      encodingAESKey: 'B'.repeat(43),
      appId: 'wxb11529c136998cb6',
    })
    expect(decryptError(() => other.decrypt(A_ENCRYPT)).reason).toBe('padding')
    const foreign = new WechatMessageCrypto({
      token: 'pamtest',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      appId: 'wx0000000000000000',
    })
    expect(decryptError(() => foreign.decrypt(A_ENCRYPT)).reason).toBe('appid')
    expect(decryptError(() => A.decrypt(A_ENCRYPT.slice(0, 30))).reason).toBe('base64')
    expect(decryptError(() => A.decrypt('not base64!')).reason).toBe('base64')
    // The last block re-encrypted under the same key but with a pad byte of 0 (outside 1–32).
    const bytes = Buffer.from(A_ENCRYPT, 'base64')
    bytes[bytes.length - 17] = (bytes[bytes.length - 17] ?? 0) ^ 0x07
    expect(decryptError(() => A.decrypt(bytes.toString('base64'))).reason).toBe('padding')
  })

  it('refuses a malformed key or an empty token at construction, naming the option', () => {
    expect(() => new WechatMessageCrypto({ token: 't', encodingAESKey: 'short', appId: 'wx' })).toThrow(
      /encodingAESKey/,
    )
    expect(() => new WechatMessageCrypto({ token: '', encodingAESKey: 'A'.repeat(43), appId: 'wx' })).toThrow(
      /token/,
    )
    expect(() => A.encrypt('x', { random: 'short' })).toThrow(/random/)
  })

  it('never shows the token or key when inspected or serialized', async () => {
    const { inspect } = await import('node:util')
    expect(inspect(A)).not.toMatch(/pamtest|abcdefghij/)
    expect(JSON.stringify(A)).not.toMatch(/pamtest|abcdefghij/)
  })
})
