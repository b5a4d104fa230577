import { Wechat, type WechatConfig } from '@wxkit/core'
import { DEFAULT_APP, type RunningEmulator, startEmulator } from '@wxkit/emulator'

/** Starts an emulator on a free port that approves OAuth consent at once. */
export function startTestEmulator(): Promise<RunningEmulator> {
  return startEmulator({ port: 0, oauth: { autoApprove: true } })
}

/** A `WechatConfig` for the emulator's default app, without retries so fault tests stay quick. */
export function emulatorConfig(emulator: RunningEmulator, extra: Partial<WechatConfig> = {}): WechatConfig {
  return {
    appId: DEFAULT_APP.appId,
    appSecret: DEFAULT_APP.appSecret,
    baseURL: emulator.apiBaseUrl,
    oauthBaseURL: emulator.oauthBaseUrl,
    retry: { limit: 0 },
    ...extra,
  }
}

/** A client for the emulator's default app. */
export function emulatorClient(emulator: RunningEmulator, extra: Partial<WechatConfig> = {}): Wechat {
  return new Wechat(emulatorConfig(emulator, extra))
}

export { DEFAULT_APP }
