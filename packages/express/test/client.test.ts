import { describe, expect, it } from 'vitest'
import { isIosWechat, pickSignUrl } from '../src/client.js'

const IOS_WECHAT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
const ANDROID_WECHAT =
  'Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN'
const IOS_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

describe('the SPA signing rule of @wxkit/express/client', () => {
  it('recognises iOS WeChat and nothing else', () => {
    expect(isIosWechat(IOS_WECHAT)).toBe(true)
    expect(isIosWechat(ANDROID_WECHAT)).toBe(false)
    expect(isIosWechat(IOS_SAFARI)).toBe(false)
  })

  it('signs the landing URL in iOS WeChat', () => {
    const url = pickSignUrl({
      userAgent: IOS_WECHAT,
      currentUrl: 'https://shop.example.com/cart#top',
      landingUrl: 'https://shop.example.com/?from=singlemessage',
    })
    expect(url).toBe('https://shop.example.com/?from=singlemessage')
  })

  it('signs the current URL without its fragment on Android', () => {
    const url = pickSignUrl({
      userAgent: ANDROID_WECHAT,
      currentUrl: 'https://shop.example.com/cart?x=1#top',
      landingUrl: 'https://shop.example.com/',
    })
    expect(url).toBe('https://shop.example.com/cart?x=1')
  })

  it('falls back to the current URL on iOS when no landing URL was recorded', () => {
    expect(pickSignUrl({ userAgent: IOS_WECHAT, currentUrl: 'https://a.example/b#c' })).toBe(
      'https://a.example/b',
    )
  })
})
