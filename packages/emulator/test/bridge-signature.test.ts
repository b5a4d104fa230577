import { describe, expect, it } from 'vitest'
import {
  isValidJsApiSignature,
  jsApiSignature,
  jsApiSignatureBase,
  stripFragment,
} from '../src/bridge/jsapi-signature.js'

// The example from the JS-SDK documentation appendix (fact sheet §2.2).
const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg'
const official = {
  jsapiTicket: ticket,
  nonceStr: 'Wm3WZYTPz0wzccnW',
  timestamp: '1414587457',
  url: 'http://mp.weixin.qq.com?params=value',
}

describe('jsApiSignature', () => {
  it('builds the string WeChat hashes, keys in ASCII order and values raw', () => {
    expect(jsApiSignatureBase(official)).toBe(
      'jsapi_ticket=sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg' +
        '&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value',
    )
  })

  it('matches the official documentation example', () => {
    expect(jsApiSignature(official)).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed')
  })

  it('matches the older documentation example without a query', () => {
    expect(jsApiSignature({ ...official, url: 'http://mp.weixin.qq.com' })).toBe(
      'f4d90daf4b3bca3078ab155816175ba34c443a7b',
    )
  })

  it('signs the page URL without its fragment', () => {
    const url = 'https://example.com/shop/item?id=42&from=singlemessage#/detail'
    expect(jsApiSignature({ ...official, url })).toBe('309f68a7ea12112fd1b3b07054c0e1d7a7e0ae0d')
  })

  it('gives a different signature for a percent-encoded URL, the classic mistake', () => {
    const url = encodeURIComponent('https://example.com/shop/item?id=42&from=singlemessage')
    expect(jsApiSignature({ ...official, url })).toBe('75f3000db9a3481024419981098577284c912178')
  })
})

describe('stripFragment', () => {
  it('cuts at the first # and leaves everything else untouched', () => {
    expect(stripFragment('https://a.test/p?q=%E4%B8%AD#/x#y')).toBe('https://a.test/p?q=%E4%B8%AD')
    expect(stripFragment('https://a.test/p?q=1')).toBe('https://a.test/p?q=1')
  })
})

describe('isValidJsApiSignature', () => {
  const values = { nonceStr: official.nonceStr, timestamp: official.timestamp, url: official.url }

  it('accepts the signature made with any of the live tickets', () => {
    expect(isValidJsApiSignature('0f9de62fce790f9a083d5c99e95740ceb90c27ed', values, ['other', ticket])).toBe(
      true,
    )
  })

  it('rejects uppercase hex, as WeChat does', () => {
    expect(isValidJsApiSignature('0F9DE62FCE790F9A083D5C99E95740CEB90C27ED', values, [ticket])).toBe(false)
  })

  it('rejects a timestamp in milliseconds', () => {
    const signature = jsApiSignature(official)
    expect(isValidJsApiSignature(signature, { ...values, timestamp: '1414587457000' }, [ticket])).toBe(false)
  })

  it('rejects everything when no ticket is live', () => {
    expect(isValidJsApiSignature('0f9de62fce790f9a083d5c99e95740ceb90c27ed', values, [])).toBe(false)
  })
})
