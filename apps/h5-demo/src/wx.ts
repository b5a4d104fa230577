import * as weixin from 'weixin-js-sdk'

/** The `wx` namespace as the package's typings declare it (`export default wx` in a CommonJS package). */
type Wx = typeof weixin.default.default

/**
 * The official JS-SDK (npm `weixin-js-sdk`, jweixin 1.6.0). The package is CommonJS: `module.exports` is
 * the `wx` object, and it sets no `window.wx`. Vite's CommonJS interop puts `module.exports` on the
 * namespace's `default`; TypeScript reads the typings' `export default` one level deeper, hence the cast.
 */
export const wx = weixin.default as unknown as Wx
