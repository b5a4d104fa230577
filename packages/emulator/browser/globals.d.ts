// Types for the browser bridge (bridge.js): the page globals it reads and writes, and the config the
// emulator renders in when it serves the file.

/** Replaced by a JSON object literal when the emulator serves bridge.js (see src/bridge/bridge-script.ts). */
declare const __WXKIT_BRIDGE_CONFIG__: { verifyUrl: string; payUrl: string }

interface Window {
  /** The real one inside WeChat; the emulator's stand-in elsewhere. */
  WeixinJSBridge?: unknown
  /** Options a page may set before loading the bridge. */
  wxkitBridgeOptions?: unknown
  /** The bridge's test handle: state, recorded calls, emit() and share(). */
  wxkitBridge?: unknown
}
