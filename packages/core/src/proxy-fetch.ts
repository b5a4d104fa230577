import type { Dispatcher } from 'undici'
import { WechatValidationError } from './errors.js'

/** undici's fetch bound to one ProxyAgent. */
interface Proxied {
  fetch(
    url: string,
    init: {
      method: string
      headers: [string, string][]
      body: ArrayBuffer | undefined
      signal: AbortSignal
      dispatcher: Dispatcher
    },
  ): Promise<unknown>
  dispatcher: Dispatcher
}

/**
 * A `fetch` for ky that goes through an http(s) proxy. undici's ProxyAgent only works with undici's own
 * fetch, which wants a URL and init rather than a global Request. undici is an optional peer dependency,
 * imported on the first proxied call, so apps without a proxy neither install nor load it.
 */
export class ProxyFetch {
  readonly #url: string
  #proxied: Promise<Proxied> | undefined

  constructor(proxyUrl: string) {
    this.#url = proxyUrl
  }

  readonly fetch = async (input: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const proxied = await this.#load()
    const request = input instanceof Request ? input : new Request(input, init)
    const body = request.body ? await request.arrayBuffer() : undefined
    return (await proxied.fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body,
      signal: request.signal,
      dispatcher: proxied.dispatcher,
    })) as unknown as Response
  }

  /** Releases the agent's sockets, if one was created. */
  async close(): Promise<void> {
    const proxied = this.#proxied
    this.#proxied = undefined
    await (await proxied?.catch(() => undefined))?.dispatcher.close()
  }

  #load(): Promise<Proxied> {
    this.#proxied ??= import('undici').then(
      (undici) => ({
        fetch: undici.fetch as unknown as Proxied['fetch'],
        dispatcher: new undici.ProxyAgent(this.#url),
      }),
      () => {
        throw new WechatValidationError(
          'proxy',
          "needs the optional peer dependency 'undici' (npm install undici)",
        )
      },
    )
    return this.#proxied
  }
}
