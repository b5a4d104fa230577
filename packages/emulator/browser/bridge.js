/*
 * wxkit emulator: a WeixinJSBridge stand-in for desktop browsers.
 * Load this BEFORE jweixin (weixin-js-sdk): it makes jweixin believe it runs inside WeChat, answers its
 * bridge calls, checks wx.config signatures against the emulator's live jsapi tickets, and pays
 * wx.chooseWXPay / getBrandWCPayRequest orders through the emulated WeChat Pay.
 * For development and tests only; never ship it to production.
 */

// Served as it is (a classic script, ES2022, no build step): tsc checks it through the JSDoc types below
// (browser/tsconfig.json), Biome lints it, and the emulator pastes its config in as a JSON object literal
// when it serves the file (src/bridge/bridge-script.ts). docs/bridge.md describes it for users.

/**
 * @typedef {{ [key: string]: any }} Params What jweixin passes to a bridge call.
 * @typedef {{ err_msg: string, [key: string]: unknown }} BridgeResult What a bridge call answers.
 * @typedef {(params: Params) => BridgeResult} Handler
 * @typedef {{ latitude: number, longitude: number, speed: number, accuracy: number }} BridgeLocation
 * @typedef {{
 *   networkType: string,
 *   scanResult: string,
 *   promptScan: boolean,
 *   chooseImageCount: number,
 *   location: BridgeLocation,
 *   payResult: 'SUCCESS' | 'PAYERROR' | 'cancel',
 *   [key: string]: unknown,
 * }} BridgeOptions
 * @typedef {{ title: unknown, desc?: unknown, link: unknown, imgUrl: unknown }} ShareData
 * @typedef {{ name: string, params: unknown, result: unknown }} CallRecord
 */
;(() => {
  const CONFIG = __WXKIT_BRIDGE_CONFIG__
  const w = window
  const TAG = '[wxkit bridge]'
  if (w.WeixinJSBridge) {
    console.info(`${TAG} a WeixinJSBridge already exists (real WeChat?); the emulator bridge stands down.`)
    return
  }

  // ---- options (window.wxkitBridgeOptions before loading, or wxkitBridge.options later) ----
  /** @type {BridgeOptions} */
  const options = {
    networkType: 'wifi',
    scanResult: 'https://example.com/wxkit-emulator/scanned',
    promptScan: false,
    chooseImageCount: 1,
    location: { latitude: 22.540503, longitude: 113.934528, speed: 0, accuracy: 30 },
    payResult: 'SUCCESS',
  }
  const given = /** @type {Record<string, unknown> | null | undefined} */ (w.wxkitBridgeOptions)
  if (given && typeof given === 'object') {
    for (const key of Object.keys(given)) options[key] = given[key]
  }

  // ---- user agent: jweixin reads navigator.userAgent once, when it loads ----
  const originalUserAgent = navigator.userAgent
  const userAgent = /micromessenger/i.test(originalUserAgent)
    ? originalUserAgent
    : `${originalUserAgent} MicroMessenger/8.0.50.2701(0x28003237) NetType/WIFI Language/zh_CN`
  if (navigator.userAgent !== userAgent) {
    const readUserAgent = () => userAgent
    try {
      Object.defineProperty(navigator, 'userAgent', { get: readUserAgent, configurable: true })
    } catch {}
    if (navigator.userAgent !== userAgent) {
      try {
        Object.defineProperty(Object.getPrototypeOf(navigator), 'userAgent', {
          get: readUserAgent,
          configurable: true,
        })
      } catch {}
    }
    if (navigator.userAgent !== userAgent) {
      console.warn(`${TAG} could not patch navigator.userAgent; jweixin will think it is outside WeChat.`)
    }
  }
  const lowerUserAgent = userAgent.toLowerCase()
  const isAndroid = lowerUserAgent.indexOf('android') !== -1
  const isIOS = lowerUserAgent.indexOf('iphone') !== -1 || lowerUserAgent.indexOf('ipad') !== -1

  // ---- state ----
  const state = {
    /** @type {'none' | 'verifying' | 'ok' | 'failed'} */
    config: 'none',
    appId: '',
    /** @type {string[]} */
    jsApiList: [],
    /** @type {string[]} */
    openTagList: [],
    realAuthUrl: '',
    errMsg: '',
    shareData: {
      /** @type {ShareData | null} */
      appMessage: null,
      /** @type {ShareData | null} */
      timeline: null,
      /** @type {(ShareData & { via: string }) | null} */
      lastShared: null,
    },
    /** @type {string[]} */
    hiddenMenuItems: [],
    optionMenuHidden: false,
    nonBaseMenuItemsHidden: false,
    closed: false,
  }
  /** @type {CallRecord[]} */
  const calls = []
  /** @type {Record<string, unknown>} */
  const listeners = {}
  /** @type {Record<string, number>} */
  const images = {}
  let imageCount = 0
  let verifySequence = 0

  // A share action is allowed when its menu event was verified (jweixin sends the event name in jsApiList).
  /** @type {Record<string, string>} */
  const PERMISSION_OF = {
    shareTimeline: 'menu:share:timeline',
    sendAppMessage: 'menu:share:appmessage',
    shareQQ: 'menu:share:qq',
    shareWeiboApp: 'menu:share:weiboApp',
    shareQZone: 'menu:share:QZone',
  }
  /** @type {Record<string, string>} */
  const SHARE_EVENTS = {
    timeline: 'menu:share:timeline',
    appmessage: 'menu:share:appmessage',
    qq: 'menu:share:qq',
    weiboApp: 'menu:share:weiboApp',
    QZone: 'menu:share:QZone',
  }
  const EVENTS = [
    'menu:share:timeline',
    'menu:share:appmessage',
    'menu:share:qq',
    'menu:share:weiboApp',
    'menu:share:QZone',
    'onVoiceRecordEnd',
    'onVoicePlayEnd',
    'onBeaconsInRange',
  ]

  /** @param {unknown} value */
  function copy(value) {
    try {
      return JSON.parse(JSON.stringify(value === undefined ? null : value))
    } catch {
      return value
    }
  }
  /** @param {number} length */
  function randomId(length) {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'
    let out = ''
    for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(Math.random() * alphabet.length))
    return out
  }
  /**
   * @param {string} name
   * @param {Record<string, unknown>} [fields]
   * @returns {BridgeResult}
   */
  function ok(name, fields) {
    /** @type {BridgeResult} */
    const result = { err_msg: `${name}:ok` }
    if (fields) for (const key of Object.keys(fields)) result[key] = fields[key]
    return result
  }
  /**
   * @param {string} name
   * @param {string} [reason]
   * @returns {BridgeResult}
   */
  function fail(name, reason) {
    return { err_msg: `${name}:fail${reason ? `_${reason}` : ''}` }
  }

  /**
   * WGS-84 to GCJ-02 (the offset coordinates Chinese maps use), the widely published approximation.
   * @param {number} latitude
   * @param {number} longitude
   */
  function toGcj02(latitude, longitude) {
    const a = 6378245.0
    const ee = 0.006693421622965943
    const x = longitude - 105.0
    const y = latitude - 35.0
    const pi = Math.PI
    let dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
    dLat += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0
    dLat += ((20.0 * Math.sin(y * pi) + 40.0 * Math.sin((y / 3.0) * pi)) * 2.0) / 3.0
    dLat += ((160.0 * Math.sin((y / 12.0) * pi) + 320 * Math.sin((y * pi) / 30.0)) * 2.0) / 3.0
    let dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
    dLng += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0
    dLng += ((20.0 * Math.sin(x * pi) + 40.0 * Math.sin((x / 3.0) * pi)) * 2.0) / 3.0
    dLng += ((150.0 * Math.sin((x / 12.0) * pi) + 300.0 * Math.sin((x / 30.0) * pi)) * 2.0) / 3.0
    const radLat = (latitude / 180.0) * pi
    let magic = Math.sin(radLat)
    magic = 1 - ee * magic * magic
    const sqrtMagic = Math.sqrt(magic)
    dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * pi)
    dLng = (dLng * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * pi)
    return { latitude: latitude + dLat, longitude: longitude + dLng }
  }

  /** @param {number} index */
  function renderImage(index) {
    const colors = ['#07c160', '#10aeff', '#fa5151', '#ffc300', '#6467f0']
    try {
      const canvas = document.createElement('canvas')
      canvas.width = 480
      canvas.height = 360
      const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'))
      g.fillStyle = /** @type {string} */ (colors[(index - 1) % colors.length])
      g.fillRect(0, 0, 480, 360)
      g.fillStyle = '#ffffff'
      g.font = 'bold 48px sans-serif'
      g.textAlign = 'center'
      g.fillText(`wxkit #${index}`, 240, 195)
      return canvas.toDataURL('image/jpeg', 0.85)
    } catch {
      // A 1x1 PNG when no canvas is available.
      return 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII='
    }
  }

  /**
   * POST a JSON body to one of the emulator's bridge routes; resolves with the parsed answer.
   * @param {string} url
   * @param {Record<string, unknown>} body
   * @returns {Promise<any>}
   */
  function postToEmulator(url, body) {
    return fetch(url, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((response) => response.json())
  }

  /**
   * wx.config: preVerifyJSAPI, checked by the emulator against its live jsapi tickets.
   * @param {Params} params
   * @param {(result: BridgeResult) => void} respond
   */
  function preVerify(params, respond) {
    const sequence = ++verifySequence
    const url = location.href.split('#')[0] ?? ''
    const jsApiList = Array.isArray(params.verifyJsApiList) ? params.verifyJsApiList.slice() : []
    const openTagList = Array.isArray(params.verifyOpenTagList) ? params.verifyOpenTagList.slice() : []
    state.config = 'verifying'
    state.appId = ''
    state.jsApiList = []
    state.openTagList = []
    state.realAuthUrl = url
    state.errMsg = ''
    /** @param {string} errMsg */
    function done(errMsg) {
      if (sequence !== verifySequence) return
      if (!errMsg) {
        state.config = 'ok'
        state.appId = String(params.verifyAppId)
        state.jsApiList = jsApiList
        state.openTagList = openTagList
        state.errMsg = 'config:ok'
        respond({ err_msg: 'preVerifyJSAPI:ok' })
        return
      }
      state.config = 'failed'
      state.errMsg = errMsg
      const reason = errMsg.replace(/^config:/, '').replace(/ /g, '_')
      respond({ err_msg: `preVerifyJSAPI:fail_${reason}`, realAuthUrl: url })
    }
    postToEmulator(CONFIG.verifyUrl, {
      appId: params.verifyAppId,
      url: url,
      timestamp: params.verifyTimestamp,
      nonceStr: params.verifyNonceStr,
      signature: params.verifySignature,
    }).then(
      (answer) => {
        done(answer && answer.ok === true ? '' : String(answer?.errMsg || 'config:invalid signature'))
      },
      (error) => {
        console.error(`${TAG} could not reach the emulator at ${CONFIG.verifyUrl}`, error)
        done('config:network error')
      },
    )
  }

  /**
   * wx.chooseWXPay (jweixin's getBrandWCPayRequest) and WeixinJSBridge.invoke('getBrandWCPayRequest'):
   * the emulator checks paySign, the appId and the order, then pays it (or the user cancels, per
   * options.payResult). The answer is WeChat's: get_brand_wcpay_request:ok | cancel | fail.
   * @param {Params} params
   * @param {(result: BridgeResult) => void} respond
   */
  function brandWcPay(params, respond) {
    /** @param {BridgeResult} result */
    function done(result) {
      if (result.err_msg !== 'get_brand_wcpay_request:ok' && result.err_desc) {
        console.warn(`${TAG} getBrandWCPayRequest: ${String(result.err_desc)}`)
      }
      respond(result)
    }
    postToEmulator(CONFIG.payUrl, {
      appId: params.appId,
      configAppId: state.config === 'ok' ? state.appId : undefined,
      timeStamp: params.timeStamp,
      nonceStr: params.nonceStr,
      package: params.package,
      signType: params.signType,
      paySign: params.paySign,
      result: options.payResult,
    }).then(
      (answer) => {
        const errMsg = answer && typeof answer.err_msg === 'string' ? answer.err_msg : ''
        done(
          /^get_brand_wcpay_request:/.test(errMsg)
            ? answer
            : { err_msg: 'get_brand_wcpay_request:fail', err_desc: 'unexpected answer from the emulator' },
        )
      },
      (error) => {
        console.error(`${TAG} could not reach the emulator at ${CONFIG.payUrl}`, error)
        done({ err_msg: 'get_brand_wcpay_request:fail', err_desc: 'network error' })
      },
    )
  }

  // ---- the other APIs, by bridge name ----
  /** @type {Record<string, Handler>} */
  const HANDLERS = {
    getNetworkType: () => ({ err_msg: `network_type:${options.networkType}` }),
    checkJsApi: (params) => {
      /** @type {Record<string, boolean>} */
      const result = {}
      for (const name of Array.isArray(params.jsApiList) ? params.jsApiList : []) {
        result[name] =
          Object.hasOwn(HANDLERS, name) || name === 'getBrandWCPayRequest' || EVENTS.indexOf(name) !== -1
      }
      return ok('checkJsApi', { checkResult: isAndroid ? JSON.stringify(result) : result })
    },
    updateAppMessageShareData: (params) => {
      state.shareData.appMessage = {
        title: params.title,
        desc: params.desc,
        link: params.link,
        imgUrl: params.imgUrl,
      }
      return ok('updateAppMessageShareData')
    },
    updateTimelineShareData: (params) => {
      state.shareData.timeline = { title: params.title, link: params.link, imgUrl: params.imgUrl }
      return ok('updateTimelineShareData')
    },
    shareTimeline: share('shareTimeline'),
    sendAppMessage: share('sendAppMessage'),
    shareQQ: share('shareQQ'),
    shareWeiboApp: share('shareWeiboApp'),
    shareQZone: share('shareQZone'),
    scanQRCode: (params) => {
      if (Number(params.needResult) !== 1) return ok('scanQRCode')
      let text = options.scanResult
      if (options.promptScan) {
        const typed = w.prompt('wxkit emulator: the text of the scanned code', options.scanResult)
        if (typed === null) return { err_msg: 'scanQRCode:cancel' }
        text = typed
      }
      return ok('scanQRCode', {
        resultStr: isIOS ? JSON.stringify({ scan_code: { scan_result: text } }) : String(text),
      })
    },
    chooseImage: (params) => {
      const limit = Math.max(1, Math.min(9, Number(params.count) || 9))
      const count = Math.max(1, Math.min(limit, Number(options.chooseImageCount) || 1))
      /** @type {string[]} */
      const localIds = []
      for (let i = 0; i < count; i++) {
        const localId = `wxLocalResource://imageid${randomId(24)}`
        images[localId] = ++imageCount
        localIds.push(localId)
      }
      return ok('chooseImage', {
        sourceType: 'album',
        localIds: isAndroid ? JSON.stringify(localIds) : localIds,
      })
    },
    getLocalImgData: (params) => {
      const index = images[params.localId]
      if (!index) return fail('getLocalImgData')
      return ok('getLocalImgData', { localData: renderImage(index) })
    },
    uploadImage: (params) => {
      if (!images[params.localId]) return fail('uploadImage')
      return ok('uploadImage', { serverId: `wxkit-media-${randomId(32)}` })
    },
    downloadImage: () => {
      const localId = `wxLocalResource://imageid${randomId(24)}`
      images[localId] = ++imageCount
      return ok('downloadImage', { localId: localId })
    },
    geoLocation: (params) => {
      const at = /** @type {Partial<BridgeLocation>} */ (options.location || {})
      let latitude = Number(at.latitude)
      let longitude = Number(at.longitude)
      if (params.type === 'gcj02') {
        const shifted = toGcj02(latitude, longitude)
        latitude = Math.round(shifted.latitude * 1e6) / 1e6
        longitude = Math.round(shifted.longitude * 1e6) / 1e6
      }
      return ok('geoLocation', {
        latitude: latitude,
        longitude: longitude,
        speed: Number(at.speed) || 0,
        accuracy: Number(at.accuracy) || 30,
        type: params.type === 'gcj02' ? 'gcj02' : 'wgs84',
      })
    },
    openLocation: () => ok('openLocation'),
    imagePreview: () => ok('imagePreview'),
    closeWindow: () => {
      state.closed = true
      dispatch('wxkit:closeWindow', {})
      return ok('closeWindow')
    },
    hideMenuItems: (params) => {
      for (const item of Array.isArray(params.menuList) ? params.menuList : []) {
        if (state.hiddenMenuItems.indexOf(item) === -1) state.hiddenMenuItems.push(item)
      }
      return ok('hideMenuItems')
    },
    showMenuItems: (params) => {
      const shown = Array.isArray(params.menuList) ? params.menuList : []
      state.hiddenMenuItems = state.hiddenMenuItems.filter((item) => shown.indexOf(item) === -1)
      return ok('showMenuItems')
    },
    hideOptionMenu: () => {
      state.optionMenuHidden = true
      return ok('hideOptionMenu')
    },
    showOptionMenu: () => {
      state.optionMenuHidden = false
      return ok('showOptionMenu')
    },
    hideAllNonBaseMenuItem: () => {
      state.nonBaseMenuItemsHidden = true
      return ok('hideAllNonBaseMenuItem')
    },
    showAllNonBaseMenuItem: () => {
      state.nonBaseMenuItemsHidden = false
      return ok('showAllNonBaseMenuItem')
    },
  }

  /**
   * @param {string} name
   * @returns {Handler}
   */
  function share(name) {
    return (params) => {
      state.shareData.lastShared = {
        via: name,
        title: params.title,
        desc: params.desc,
        link: params.link,
        imgUrl: params.img_url,
      }
      return ok(name)
    }
  }

  /** @param {string} name */
  function permissionError(name) {
    if (state.config !== 'ok') return `${name}:the permission value is offline verifying`
    if (state.jsApiList.indexOf(PERMISSION_OF[name] || name) === -1) return `${name}:access denied`
    return ''
  }

  /**
   * @param {string} name
   * @param {Params} params
   * @returns {BridgeResult}
   */
  function answer(name, params) {
    const denied = permissionError(name)
    if (denied) return { err_msg: denied }
    const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined
    if (!handler) return { err_msg: 'system:function_not_exist' }
    return handler(params)
  }

  /**
   * @param {string} type
   * @param {unknown} detail
   */
  function dispatch(type, detail) {
    try {
      document.dispatchEvent(new CustomEvent(type, { detail: detail }))
    } catch {}
  }

  /**
   * @param {unknown} name
   * @param {unknown} [given]
   * @param {unknown} [callback]
   */
  function invoke(name, given, callback) {
    const params = /** @type {Params} */ (given && typeof given === 'object' ? given : {})
    /** @type {CallRecord} */
    const record = { name: String(name), params: copy(params), result: null }
    calls.push(record)
    /** @param {BridgeResult} result */
    function respond(result) {
      record.result = copy(result)
      dispatch('wxkit:invoke', record)
      if (typeof callback === 'function') setTimeout(() => callback(result), 0)
    }
    if (name === 'preVerifyJSAPI') {
      preVerify(params, respond)
      return
    }
    if (name === 'getBrandWCPayRequest') {
      // Through jweixin (which adds verifyAppId to every call) wx.config must have listed chooseWXPay;
      // WeChat Pay's own WeixinJSBridge.invoke needs no wx.config at all.
      const denied = Object.hasOwn(params, 'verifyAppId') ? permissionError(name) : ''
      if (denied) respond({ err_msg: denied })
      else brandWcPay(params, respond)
      return
    }
    /** @type {BridgeResult} */
    let result
    try {
      result = answer(String(name), params)
    } catch (error) {
      console.error(`${TAG} ${String(name)} failed`, error)
      result = fail(String(name))
    }
    respond(result)
  }

  /**
   * @param {string} name
   * @param {unknown} [payload]
   */
  function emit(name, payload) {
    const handler = listeners[name]
    if (typeof handler !== 'function') return false
    setTimeout(() => handler(payload === undefined ? {} : payload), 0)
    return true
  }

  w.WeixinJSBridge = {
    invoke: invoke,
    /**
     * @param {unknown} name
     * @param {unknown} [params]
     */
    call: (name, params) => invoke(name, params),
    /**
     * @param {unknown} name
     * @param {unknown} callback
     */
    on: (name, callback) => {
      listeners[String(name)] = callback
    },
    /** @param {...unknown} args */
    log: (...args) => console.log(TAG, ...args),
  }

  w.wxkitBridge = {
    version: 1,
    verifyUrl: CONFIG.verifyUrl,
    payUrl: CONFIG.payUrl,
    userAgent: userAgent,
    platform: isAndroid ? 'android' : isIOS ? 'ios' : 'other',
    options: options,
    state: state,
    calls: calls,
    /** Fire a bridge event, e.g. emit('menu:share:appmessage', {}); false when nothing listens. */
    emit: emit,
    /**
     * Act as if the user picked a share target in the menu: 'appmessage', 'timeline', 'qq', 'weiboApp' or 'QZone'.
     * @param {string} target
     * @param {unknown} [payload]
     */
    share: (target, payload) => {
      const event = SHARE_EVENTS[target]
      if (!event) throw new Error(`${TAG} unknown share target ${target}`)
      return emit(event, payload)
    },
  }

  function fireReady() {
    /** @type {Event} */
    let event
    try {
      event = new Event('WeixinJSBridgeReady')
    } catch {
      event = document.createEvent('Event')
      event.initEvent('WeixinJSBridgeReady', false, false)
    }
    document.dispatchEvent(event)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fireReady)
  else setTimeout(fireReady, 0)
})()
