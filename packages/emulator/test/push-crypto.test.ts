import { describe, expect, it } from 'vitest'
import { aesKey, decryptPush, encryptPush, pushSignature } from '../src/push/push-crypto.js'

// §9.4: the official WXBizMsgCrypt sample (A) and the Mini Program JSON sample (C, a 19-byte pad).
const A = {
  key: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appid: 'wxb11529c136998cb6',
  encrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
}
const C = {
  key: 'A'.repeat(43),
  appid: 'wxba5fad812f8e6fb9',
  encrypt:
    '+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04=',
}

describe('the emulator’s own WXBizMsgCrypt', () => {
  it('derives the AES key and reproduces vector A byte for byte', () => {
    expect(aesKey(A.key).toString('hex')).toBe(
      '69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051',
    )
    expect(encryptPush(A.key, A.appid, '我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe(A.encrypt)
    expect(decryptPush(A.key, A.encrypt)).toEqual({ message: '我是中文abcd123', appid: A.appid })
    expect(pushSignature('pamtest', '1409304348', 'xxxxxx', A.encrypt)).toBe(
      '82c962d39941aa48552f90ef55aa323dc620cc10',
    )
  })

  it('decrypts vector C (pad 19) and reproduces its reply', () => {
    const opened = decryptPush(C.key, C.encrypt)
    expect(opened?.appid).toBe(C.appid)
    expect(JSON.parse(opened?.message ?? '')).toMatchObject({ Event: 'debug_demo', debug_str: 'hello world' })
    expect(pushSignature('AAAAA', '1714112445', '415670741')).toBe('6c5c811b55cc85e0e1b54100749188c20beb3f5d')
    expect(pushSignature('AAAAA', '1714112445', '415670741', C.encrypt)).toBe(
      '046e02f8204d34f8ba5fa3b1db94908f3df2e9b3',
    )
    const reply = encryptPush(C.key, C.appid, '{"demo_resp":"good luck"}', Buffer.from('707722b803182950'))
    expect(reply).toBe(
      'ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ==',
    )
    expect(pushSignature('AAAAA', '1713424427', '415670741', reply)).toBe(
      '1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1',
    )
  })

  it('refuses a wrong key, a truncated value and garbage instead of returning junk', () => {
    expect(decryptPush('B'.repeat(43), C.encrypt)).toBeUndefined()
    expect(decryptPush(C.key, C.encrypt.slice(0, 40))).toBeUndefined()
    expect(decryptPush(C.key, '')).toBeUndefined()
  })
})
