import type { EmulatorState } from '../state/emulator-state.js'
import type { LinkEnvVersion } from '../state/links.js'

/** What `openLink()` found: where WeChat takes the user. */
export interface OpenLinkResult {
  appid: string
  /** The page, `''` for the home page. */
  path: string
  query: string
  env_version: LinkEnvVersion
  /** How many times this link has been opened, this time included. */
  visits: number
}

/** The link control calls (§14.1). */
export interface LinksControl {
  /**
   * A user opens a URL Link (`https://wxaurl.cn/…`), URL Scheme (`weixin://dl/business/?t=…`) or Short
   * Link: resolves with where it leads and counts the visit (Links and Schemes also against the app's
   * daily opens). Rejects for an unknown or expired link and past the daily opens (85406).
   */
  openLink(urlOrScheme: string): Promise<OpenLinkResult>
}

/** The names of the link control methods (HTTP control paths too). */
export const LINKS_CONTROL_METHODS = ['openLink'] as const satisfies readonly (keyof LinksControl)[]

/** The in-process link control calls of one emulator. */
export function createLinksControl(state: EmulatorState): LinksControl {
  return {
    async openLink(urlOrScheme) {
      if (typeof urlOrScheme !== 'string' || urlOrScheme === '') {
        throw new TypeError('@wxkit/emulator: openLink needs the link or scheme as a string')
      }
      const record = state.links.open(urlOrScheme, state.now())
      if (record === 'unknown') throw new Error('@wxkit/emulator: openLink: no such link was generated')
      if (record === 'expired') {
        throw new Error('@wxkit/emulator: openLink: the link has expired (WeChat shows "链接已失效")')
      }
      if (record === 'visit-quota') {
        throw new Error("@wxkit/emulator: openLink: 85406, the app's daily Link and Scheme opens are used up")
      }
      if (typeof record === 'string') throw new Error(`@wxkit/emulator: openLink: ${record}`)
      return {
        appid: record.appId,
        path: record.path,
        query: record.query,
        env_version: record.envVersion,
        visits: record.visits,
      }
    },
  }
}
