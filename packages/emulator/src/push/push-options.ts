/** How the body of a push is written: Official Accounts use XML, Mini Programs choose XML or JSON (§9.2). */
export type PushFormat = 'xml' | 'json'

/** The console's message encryption mode (§9.2): plaintext, compatible (both) or safe (only `Encrypt`). */
export type PushMode = 'plain' | 'compatible' | 'safe'

/** A message or event as WeChat pushes it, with WeChat's field names (`MsgType`, `Event`, `Content` …). */
export type PushedMessage = Record<string, unknown> & { MsgType: string }

/** Where and how pushes go: the server URL, token and key the developer entered in the console. */
export interface PushTarget {
  /** The developer's server URL. */
  url: string
  /** The console's Token (3–32 letters or digits). */
  token: string
  /** The console's EncodingAESKey (43 letters or digits); required in compatible and safe mode. */
  encodingAESKey?: string
  /** The appid written inside the encrypted plaintext. */
  appid: string
  format: PushFormat
  mode: PushMode
}

/** The argument of `pushMessage()`. */
export interface PushMessageOptions {
  /** The developer's server URL, e.g. `http://127.0.0.1:3000/wechat/messages`. */
  url: string
  /**
   * The message, with WeChat's field names. `ToUserName` (the app's `gh_` id), `FromUserName` (the app's
   * default user), `CreateTime` (now, in seconds) and, for user messages, `MsgId` are filled in when absent.
   */
  message: Record<string, unknown>
  /** @default 'xml' */
  format?: PushFormat
  /** @default 'safe' when an encodingAESKey is given, else 'plain' */
  mode?: PushMode
  /** The console's Token. */
  token: string
  /** The console's EncodingAESKey; required in compatible and safe mode. */
  encodingAESKey?: string
  /** The appid inside the encrypted plaintext. @default the first app the emulator was started with */
  appid?: string
}

/** The argument of `configurePush()`: where the emulator sends the events it generates itself. */
export interface ConfigurePushOptions {
  /** The app whose events go there. @default the first app the emulator was started with */
  appid?: string
  url: string
  token: string
  encodingAESKey?: string
  /** @default 'xml' */
  format?: PushFormat
  /** @default 'safe' when an encodingAESKey is given, else 'plain' */
  mode?: PushMode
}

/** One HTTP try of a push. */
export interface PushAttempt {
  /** The HTTP status, or 0 when no answer came (timeout or connection failure). */
  status: number
  /** How long the try took, in milliseconds. */
  ms: number
  /** Why no answer came: `timeout` (5 s) or `connection failed`. */
  error?: 'timeout' | 'connection failed'
}

/** The outcome of one push, as WeChat's side saw it. */
export interface PushResult {
  /** The message as sent, with the filled-in fields (`CreateTime`, `MsgId` …). */
  message: PushedMessage
  /** Every try, in order: a try that got no answer within 5 s is retried, 3 tries at most. */
  attempts: PushAttempt[]
  /**
   * The reply of the answering try: `'success'` or `''` (nothing to send), or the reply decrypted and
   * parsed (e.g. `{ ToUserName, FromUserName, CreateTime, MsgType: 'text', Content }`). Absent when no
   * try gave a usable answer.
   */
  reply?: Record<string, unknown> | 'success' | ''
  /** What the user sees when no try gave a usable answer. */
  userNotice?: string
  /** Why the answer was unusable (e.g. `plaintext reply in safe mode`), for debugging. */
  problem?: string
}

/** The argument of `verifyServerUrl()`: the console's "submit" check of a server URL. */
export interface VerifyServerUrlOptions {
  url: string
  token: string
}

/** What `verifyServerUrl()` reports. */
export interface VerifyServerUrlResult {
  /** Whether the server answered HTTP 200 with exactly the echostr, as the console requires. */
  ok: boolean
  /** The HTTP status, or 0 when no answer came within 5 s. */
  status: number
  /** The echostr the emulator sent. */
  echostr: string
  /** The body the server answered (at most 1 KiB of it). */
  body: string
}

/** An event the emulator generated and pushed (after `configurePush`), as `pushes()` lists it. */
export interface EmittedPush {
  appid: string
  message: PushedMessage
  /** Absent while the push is still being delivered. */
  result?: PushResult
}
