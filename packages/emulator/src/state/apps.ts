/** An app (mini program or official account) the emulator knows, with its credentials. */
export interface EmulatorApp {
  /** The AppID, e.g. `wx5c0a0e1a7e570001`. */
  appId: string
  /** The AppSecret. */
  appSecret: string
}

/**
 * The app the emulator serves when `startEmulator()` is given no `apps`.
 *
 * @example
 * ```ts
 * const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emulator.apiBaseUrl })
 * ```
 */
export const DEFAULT_APP: Readonly<EmulatorApp> = Object.freeze({
  appId: 'wx5c0a0e1a7e570001',
  appSecret: '7f1c3b9a2d4e6f8091a2b3c4d5e6f708',
})

/** The fixed set of apps an emulator was started with. */
export class AppRegistry {
  readonly #apps = new Map<string, EmulatorApp>()

  constructor(apps: readonly EmulatorApp[]) {
    for (const app of apps) {
      if (typeof app?.appId !== 'string' || app.appId === '' || typeof app.appSecret !== 'string') {
        throw new TypeError(
          '@wxkit/emulator: every app needs a non-empty string appId and a string appSecret',
        )
      }
      if (this.#apps.has(app.appId)) {
        throw new TypeError(`@wxkit/emulator: app ${app.appId} is listed twice`)
      }
      this.#apps.set(app.appId, { appId: app.appId, appSecret: app.appSecret })
    }
  }

  /** Whether `appId` is one of the emulator's apps. */
  has(appId: string): boolean {
    return this.#apps.has(appId)
  }

  /** The app with `appId`, if any. */
  get(appId: string): EmulatorApp | undefined {
    return this.#apps.get(appId)
  }

  /** Every app, in the order given. */
  list(): EmulatorApp[] {
    return [...this.#apps.values()]
  }
}
