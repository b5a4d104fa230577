import Module from 'node:module'

/**
 * node-easywechat 3.6.2 (the latest) requires `node-socialite/dist/Core/ProviderInterface`, a file that
 * node-socialite 1.5.x (which its `^1.4.1` range resolves to) no longer ships, so it cannot even be loaded
 * as published. The class is only used in one `instanceof` check of `setOAuthFactory()`, which the bench
 * never calls; resolve that single request to an empty class so the library can be measured.
 */
const MISSING = 'node-socialite/dist/Core/ProviderInterface'

type Resolver = (request: string, ...rest: unknown[]) => string
const loader = Module as unknown as { _resolveFilename: Resolver; _cache: Record<string, unknown> }
const original = loader._resolveFilename
let installed = false

export function installNodeEasywechatShim(): void {
  if (installed) return
  installed = true
  const id = `${MISSING}.shim`
  loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
    if (request === MISSING) return id
    return original.call(this, request, ...rest)
  }
  const shim = new Module(id)
  shim.loaded = true
  shim.exports = { default: class ProviderInterface {}, __esModule: true }
  loader._cache[id] = shim
}
