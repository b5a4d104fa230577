/** What the emulator renders into `bridge.js` for one request. */
export interface BridgeScriptConfig {
  /** Absolute URL of the emulator's `POST …/jssdk/verify` route, as the browser reached the emulator. */
  verifyUrl: string
}

/**
 * The browser side of the bridge, kept as plain ES2017 source so it runs in any current browser as it is.
 * It lives in a template string: keep template literals and backslashes out of it.
 * `__WXKIT_BRIDGE_CONFIG__` is replaced by a JSON object literal.
 * docs/bridge.md describes its behaviour for users.
 */
const BRIDGE_SOURCE = `/*
 * wxkit emulator: a WeixinJSBridge stand-in for desktop browsers.
 * Load this BEFORE jweixin (weixin-js-sdk): it makes jweixin believe it runs inside WeChat, answers its
 * bridge calls, and checks wx.config signatures against the emulator's live jsapi tickets.
 * For development and tests only; never ship it to production.
 */
;(function () {
  'use strict'
  var CONFIG = __WXKIT_BRIDGE_CONFIG__
  var w = window
  var TAG = '[wxkit bridge]'
  if (w.WeixinJSBridge) {
    console.info(TAG + ' a WeixinJSBridge already exists (real WeChat?); the emulator bridge stands down.')
    return
  }

  // ---- options (window.wxkitBridgeOptions before loading, or wxkitBridge.options later) ----
  var options = {
    networkType: 'wifi',
    scanResult: 'https://example.com/wxkit-emulator/scanned',
    promptScan: false,
    chooseImageCount: 1,
    location: { latitude: 22.540503, longitude: 113.934528, speed: 0, accuracy: 30 }
  }
  var given = w.wxkitBridgeOptions
  if (given && typeof given === 'object') {
    Object.keys(given).forEach(function (key) { options[key] = given[key] })
  }

  // ---- user agent: jweixin reads navigator.userAgent once, when it loads ----
  var originalUserAgent = navigator.userAgent
  var userAgent = /micromessenger/i.test(originalUserAgent)
    ? originalUserAgent
    : originalUserAgent + ' MicroMessenger/8.0.50.2701(0x28003237) NetType/WIFI Language/zh_CN'
  if (navigator.userAgent !== userAgent) {
    var readUserAgent = function () { return userAgent }
    try { Object.defineProperty(navigator, 'userAgent', { get: readUserAgent, configurable: true }) } catch (e) {}
    if (navigator.userAgent !== userAgent) {
      try {
        Object.defineProperty(Object.getPrototypeOf(navigator), 'userAgent', { get: readUserAgent, configurable: true })
      } catch (e) {}
    }
    if (navigator.userAgent !== userAgent) {
      console.warn(TAG + ' could not patch navigator.userAgent; jweixin will think it is outside WeChat.')
    }
  }
  var lowerUserAgent = userAgent.toLowerCase()
  var isAndroid = lowerUserAgent.indexOf('android') !== -1
  var isIOS = lowerUserAgent.indexOf('iphone') !== -1 || lowerUserAgent.indexOf('ipad') !== -1

  // ---- state ----
  var state = {
    config: 'none', // none | verifying | ok | failed
    appId: '',
    jsApiList: [],
    openTagList: [],
    realAuthUrl: '',
    errMsg: '',
    shareData: { appMessage: null, timeline: null, lastShared: null },
    hiddenMenuItems: [],
    optionMenuHidden: false,
    nonBaseMenuItemsHidden: false,
    closed: false
  }
  var calls = []
  var listeners = {}
  var images = {}
  var imageCount = 0
  var verifySequence = 0

  // A share action is allowed when its menu event was verified (jweixin sends the event name in jsApiList).
  var PERMISSION_OF = {
    shareTimeline: 'menu:share:timeline',
    sendAppMessage: 'menu:share:appmessage',
    shareQQ: 'menu:share:qq',
    shareWeiboApp: 'menu:share:weiboApp',
    shareQZone: 'menu:share:QZone'
  }
  var SHARE_EVENTS = {
    timeline: 'menu:share:timeline',
    appmessage: 'menu:share:appmessage',
    qq: 'menu:share:qq',
    weiboApp: 'menu:share:weiboApp',
    QZone: 'menu:share:QZone'
  }
  var EVENTS = ['menu:share:timeline', 'menu:share:appmessage', 'menu:share:qq', 'menu:share:weiboApp',
    'menu:share:QZone', 'onVoiceRecordEnd', 'onVoicePlayEnd', 'onBeaconsInRange']

  function copy(value) {
    try { return JSON.parse(JSON.stringify(value === undefined ? null : value)) } catch (e) { return value }
  }
  function randomId(length) {
    var alphabet = '0123456789abcdefghijklmnopqrstuvwxyz'
    var out = ''
    for (var i = 0; i < length; i++) out += alphabet.charAt(Math.floor(Math.random() * alphabet.length))
    return out
  }
  function ok(name, fields) {
    var result = { err_msg: name + ':ok' }
    if (fields) Object.keys(fields).forEach(function (key) { result[key] = fields[key] })
    return result
  }
  function fail(name, reason) {
    return { err_msg: name + ':fail' + (reason ? '_' + reason : '') }
  }

  // WGS-84 to GCJ-02 (the offset coordinates Chinese maps use), the widely published approximation.
  function toGcj02(latitude, longitude) {
    var a = 6378245.0
    var ee = 0.00669342162296594323
    var x = longitude - 105.0
    var y = latitude - 35.0
    var pi = Math.PI
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
    dLat += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0
    dLat += ((20.0 * Math.sin(y * pi) + 40.0 * Math.sin((y / 3.0) * pi)) * 2.0) / 3.0
    dLat += ((160.0 * Math.sin((y / 12.0) * pi) + 320 * Math.sin((y * pi) / 30.0)) * 2.0) / 3.0
    var dLng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
    dLng += ((20.0 * Math.sin(6.0 * x * pi) + 20.0 * Math.sin(2.0 * x * pi)) * 2.0) / 3.0
    dLng += ((20.0 * Math.sin(x * pi) + 40.0 * Math.sin((x / 3.0) * pi)) * 2.0) / 3.0
    dLng += ((150.0 * Math.sin((x / 12.0) * pi) + 300.0 * Math.sin((x / 30.0) * pi)) * 2.0) / 3.0
    var radLat = (latitude / 180.0) * pi
    var magic = Math.sin(radLat)
    magic = 1 - ee * magic * magic
    var sqrtMagic = Math.sqrt(magic)
    dLat = (dLat * 180.0) / (((a * (1 - ee)) / (magic * sqrtMagic)) * pi)
    dLng = (dLng * 180.0) / ((a / sqrtMagic) * Math.cos(radLat) * pi)
    return { latitude: latitude + dLat, longitude: longitude + dLng }
  }

  function renderImage(index) {
    var colors = ['#07c160', '#10aeff', '#fa5151', '#ffc300', '#6467f0']
    try {
      var canvas = document.createElement('canvas')
      canvas.width = 480
      canvas.height = 360
      var g = canvas.getContext('2d')
      g.fillStyle = colors[(index - 1) % colors.length]
      g.fillRect(0, 0, 480, 360)
      g.fillStyle = '#ffffff'
      g.font = 'bold 48px sans-serif'
      g.textAlign = 'center'
      g.fillText('wxkit #' + index, 240, 195)
      return canvas.toDataURL('image/jpeg', 0.85)
    } catch (e) {
      // A 1x1 PNG when no canvas is available.
      return 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII='
    }
  }

  // ---- wx.config: preVerifyJSAPI ----
  function preVerify(params, respond) {
    var sequence = ++verifySequence
    var url = location.href.split('#')[0]
    var jsApiList = Array.isArray(params.verifyJsApiList) ? params.verifyJsApiList.slice() : []
    var openTagList = Array.isArray(params.verifyOpenTagList) ? params.verifyOpenTagList.slice() : []
    state.config = 'verifying'
    state.appId = ''
    state.jsApiList = []
    state.openTagList = []
    state.realAuthUrl = url
    state.errMsg = ''
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
      var reason = errMsg.replace(/^config:/, '').replace(/ /g, '_')
      respond({ err_msg: 'preVerifyJSAPI:fail_' + reason, realAuthUrl: url })
    }
    fetch(CONFIG.verifyUrl, {
      method: 'POST',
      mode: 'cors',
      credentials: 'omit',
      cache: 'no-store',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        appId: params.verifyAppId,
        url: url,
        timestamp: params.verifyTimestamp,
        nonceStr: params.verifyNonceStr,
        signature: params.verifySignature
      })
    })
      .then(function (response) { return response.json() })
      .then(
        function (answer) {
          done(answer && answer.ok === true ? '' : String((answer && answer.errMsg) || 'config:invalid signature'))
        },
        function (error) {
          console.error(TAG + ' could not reach the emulator at ' + CONFIG.verifyUrl, error)
          done('config:network error')
        }
      )
  }

  // ---- the other APIs, by bridge name ----
  var HANDLERS = {
    getNetworkType: function () {
      return { err_msg: 'network_type:' + options.networkType }
    },
    checkJsApi: function (params) {
      var result = {}
      ;(Array.isArray(params.jsApiList) ? params.jsApiList : []).forEach(function (name) {
        result[name] = Object.prototype.hasOwnProperty.call(HANDLERS, name) || EVENTS.indexOf(name) !== -1
      })
      return ok('checkJsApi', { checkResult: isAndroid ? JSON.stringify(result) : result })
    },
    updateAppMessageShareData: function (params) {
      state.shareData.appMessage = { title: params.title, desc: params.desc, link: params.link, imgUrl: params.imgUrl }
      return ok('updateAppMessageShareData')
    },
    updateTimelineShareData: function (params) {
      state.shareData.timeline = { title: params.title, link: params.link, imgUrl: params.imgUrl }
      return ok('updateTimelineShareData')
    },
    shareTimeline: share('shareTimeline'),
    sendAppMessage: share('sendAppMessage'),
    shareQQ: share('shareQQ'),
    shareWeiboApp: share('shareWeiboApp'),
    shareQZone: share('shareQZone'),
    scanQRCode: function (params) {
      if (Number(params.needResult) !== 1) return ok('scanQRCode')
      var text = options.scanResult
      if (options.promptScan) {
        text = w.prompt('wxkit emulator: the text of the scanned code', options.scanResult)
        if (text === null) return { err_msg: 'scanQRCode:cancel' }
      }
      return ok('scanQRCode', {
        resultStr: isIOS ? JSON.stringify({ scan_code: { scan_result: text } }) : String(text)
      })
    },
    chooseImage: function (params) {
      var limit = Math.max(1, Math.min(9, Number(params.count) || 9))
      var count = Math.max(1, Math.min(limit, Number(options.chooseImageCount) || 1))
      var localIds = []
      for (var i = 0; i < count; i++) {
        var localId = 'wxLocalResource://imageid' + randomId(24)
        images[localId] = ++imageCount
        localIds.push(localId)
      }
      return ok('chooseImage', {
        sourceType: 'album',
        localIds: isAndroid ? JSON.stringify(localIds) : localIds
      })
    },
    getLocalImgData: function (params) {
      var index = images[params.localId]
      if (!index) return fail('getLocalImgData')
      return ok('getLocalImgData', { localData: renderImage(index) })
    },
    uploadImage: function (params) {
      if (!images[params.localId]) return fail('uploadImage')
      return ok('uploadImage', { serverId: 'wxkit-media-' + randomId(32) })
    },
    downloadImage: function () {
      var localId = 'wxLocalResource://imageid' + randomId(24)
      images[localId] = ++imageCount
      return ok('downloadImage', { localId: localId })
    },
    geoLocation: function (params) {
      var at = options.location || {}
      var latitude = Number(at.latitude)
      var longitude = Number(at.longitude)
      if (params.type === 'gcj02') {
        var shifted = toGcj02(latitude, longitude)
        latitude = Math.round(shifted.latitude * 1e6) / 1e6
        longitude = Math.round(shifted.longitude * 1e6) / 1e6
      }
      return ok('geoLocation', {
        latitude: latitude,
        longitude: longitude,
        speed: Number(at.speed) || 0,
        accuracy: Number(at.accuracy) || 30,
        type: params.type === 'gcj02' ? 'gcj02' : 'wgs84'
      })
    },
    openLocation: function () { return ok('openLocation') },
    imagePreview: function () { return ok('imagePreview') },
    closeWindow: function () {
      state.closed = true
      dispatch('wxkit:closeWindow', {})
      return ok('closeWindow')
    },
    hideMenuItems: function (params) {
      ;(Array.isArray(params.menuList) ? params.menuList : []).forEach(function (item) {
        if (state.hiddenMenuItems.indexOf(item) === -1) state.hiddenMenuItems.push(item)
      })
      return ok('hideMenuItems')
    },
    showMenuItems: function (params) {
      var shown = Array.isArray(params.menuList) ? params.menuList : []
      state.hiddenMenuItems = state.hiddenMenuItems.filter(function (item) { return shown.indexOf(item) === -1 })
      return ok('showMenuItems')
    },
    hideOptionMenu: function () { state.optionMenuHidden = true; return ok('hideOptionMenu') },
    showOptionMenu: function () { state.optionMenuHidden = false; return ok('showOptionMenu') },
    hideAllNonBaseMenuItem: function () { state.nonBaseMenuItemsHidden = true; return ok('hideAllNonBaseMenuItem') },
    showAllNonBaseMenuItem: function () { state.nonBaseMenuItemsHidden = false; return ok('showAllNonBaseMenuItem') }
  }

  function share(name) {
    return function (params) {
      state.shareData.lastShared = { via: name, title: params.title, desc: params.desc, link: params.link, imgUrl: params.img_url }
      return ok(name)
    }
  }

  function permissionError(name) {
    if (state.config !== 'ok') return name + ':the permission value is offline verifying'
    if (state.jsApiList.indexOf(PERMISSION_OF[name] || name) === -1) return name + ':access denied'
    return ''
  }

  function answer(name, params) {
    var denied = permissionError(name)
    if (denied) return { err_msg: denied }
    var handler = HANDLERS[name]
    if (!handler) return { err_msg: 'system:function_not_exist' }
    return handler(params)
  }

  function dispatch(type, detail) {
    try { document.dispatchEvent(new CustomEvent(type, { detail: detail })) } catch (e) {}
  }

  function invoke(name, params, callback) {
    params = params && typeof params === 'object' ? params : {}
    var record = { name: String(name), params: copy(params), result: null }
    calls.push(record)
    function respond(result) {
      record.result = copy(result)
      dispatch('wxkit:invoke', record)
      if (typeof callback === 'function') setTimeout(function () { callback(result) }, 0)
    }
    if (name === 'preVerifyJSAPI') {
      preVerify(params, respond)
      return
    }
    var result
    try {
      result = answer(String(name), params)
    } catch (error) {
      console.error(TAG + ' ' + name + ' failed', error)
      result = fail(String(name))
    }
    respond(result)
  }

  function emit(name, payload) {
    var handler = listeners[name]
    if (typeof handler !== 'function') return false
    setTimeout(function () { handler(payload === undefined ? {} : payload) }, 0)
    return true
  }

  var bridge = {
    invoke: invoke,
    call: function (name, params) { invoke(name, params) },
    on: function (name, callback) { listeners[String(name)] = callback },
    log: function () { console.log.apply(console, [TAG].concat([].slice.call(arguments))) }
  }
  w.WeixinJSBridge = bridge

  w.wxkitBridge = {
    version: 1,
    verifyUrl: CONFIG.verifyUrl,
    userAgent: userAgent,
    platform: isAndroid ? 'android' : isIOS ? 'ios' : 'other',
    options: options,
    state: state,
    calls: calls,
    /** Fire a bridge event, e.g. emit('menu:share:appmessage', {}); false when nothing listens. */
    emit: emit,
    /** Act as if the user picked a share target in the menu: 'appmessage', 'timeline', 'qq', 'weiboApp' or 'QZone'. */
    share: function (target, payload) {
      var event = SHARE_EVENTS[target]
      if (!event) throw new Error(TAG + ' unknown share target ' + target)
      return emit(event, payload)
    }
  }

  function fireReady() {
    var event
    try {
      event = new Event('WeixinJSBridgeReady')
    } catch (e) {
      event = document.createEvent('Event')
      event.initEvent('WeixinJSBridgeReady', false, false)
    }
    document.dispatchEvent(event)
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fireReady)
  else setTimeout(fireReady, 0)
})()
`

/** Characters that must not appear raw in a JSON value pasted into a script. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** The JavaScript served at `GET /__wxkit/bridge.js`, with the emulator's verify URL rendered in. */
export function renderBridgeScript(config: BridgeScriptConfig): string {
  return BRIDGE_SOURCE.replace('__WXKIT_BRIDGE_CONFIG__', () =>
    scriptSafeJson({ verifyUrl: config.verifyUrl }),
  )
}
