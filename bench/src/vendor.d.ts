// Minimal types for the two competitors that ship none: only what the bench calls.

declare module 'co-wechat-api' {
  class API {
    constructor(appid: string, appsecret: string)
    prefix: string
    getJsConfig(param: { url: string; jsApiList?: string[]; debug?: boolean }): Promise<unknown>
    getTicket(type?: string): Promise<{ ticket: string }>
  }
  export = API
}

declare module 'wechat-jssdk' {
  export class Store {
    constructor(options?: { noInterval?: boolean })
  }
  export class JSSDK {
    constructor(options: Record<string, unknown>)
    getSignature(url: string, forceNewSignature?: boolean): Promise<unknown>
    getGlobalTokenAndTicket(force?: boolean): Promise<unknown>
  }
}
