import type { ContentRules } from '../state/content-rules.js'
import type { EmulatorState } from '../state/emulator-state.js'

/** The content-security control calls (§14.3). */
export interface ContentControl {
  /**
   * Decide the verdicts of `msg_sec_check` and `media_check_async`: content (or, for media, the URL)
   * containing a `risky` keyword is `risky`, a `review` keyword `review`, anything else `pass`. Each call
   * replaces the previous rules; `reset()` clears them.
   */
  setContentRules(rules: ContentRules): Promise<void>
}

/** The names of the content control methods (HTTP control paths too). */
export const CONTENT_CONTROL_METHODS = [
  'setContentRules',
] as const satisfies readonly (keyof ContentControl)[]

/** The in-process content-security control calls of one emulator. */
export function createContentControl(state: EmulatorState): ContentControl {
  return {
    async setContentRules(rules) {
      if (rules === null || typeof rules !== 'object' || Array.isArray(rules)) {
        throw new TypeError('@wxkit/emulator: setContentRules needs { risky?: string[], review?: string[] }')
      }
      for (const name of ['risky', 'review'] as const) {
        const words = rules[name]
        if (
          words !== undefined &&
          (!Array.isArray(words) || !words.every((word) => typeof word === 'string' && word !== ''))
        ) {
          throw new TypeError(
            `@wxkit/emulator: setContentRules ${name} must be an array of non-empty strings`,
          )
        }
      }
      state.contentRules.set(rules)
    },
  }
}
