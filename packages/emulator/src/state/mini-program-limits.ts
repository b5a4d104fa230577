import { LIMITED_CODE_LIMIT } from './limited-codes.js'
import { LINK_LIMITS, type LinkLimits } from './links.js'

/**
 * The Mini Program quotas the emulator counts (§14), as `startEmulator({ miniProgram })` sets them: the
 * documented values by default, lower in tests that want to reach them.
 */
export interface MiniProgramLimits {
  /** URL Links and Schemes generated per app per day, together (45009 beyond). @default 500000 */
  linksPerDay?: number
  /** URL Link and Scheme opens per app per day, together (`openLink` refuses beyond). @default 3000000 */
  linkVisitsPerDay?: number
  /** Permanent short links per app, for good (85400 beyond). @default 100000 */
  permanentShortLinks?: number
  /** Limited codes (getwxacode + createwxaqrcode) per app, for good (45029 beyond). @default 100000 */
  limitedCodes?: number
  /** How long after `media_check_async` its `wxa_media_check` verdict is pushed, on the emulator clock (≤ 30 min). @default 60000 */
  mediaCheckDelayMs?: number
}

/** Checks `startEmulator`'s `miniProgram` option and fills in the documented quotas. */
export function resolveMiniProgramLimits(options: MiniProgramLimits = {}): {
  links: LinkLimits
  limitedCodes: number
  mediaCheckDelayMs: number
} {
  const positive = (name: keyof MiniProgramLimits, fallback: number): number => {
    const value = options[name] ?? fallback
    if (!Number.isInteger(value) || value < 0) {
      throw new TypeError(`@wxkit/emulator: miniProgram.${name} must be a non-negative integer`)
    }
    return value
  }
  return {
    links: {
      generatedPerDay: positive('linksPerDay', LINK_LIMITS.generatedPerDay),
      visitsPerDay: positive('linkVisitsPerDay', LINK_LIMITS.visitsPerDay),
      permanentShortLinks: positive('permanentShortLinks', LINK_LIMITS.permanentShortLinks),
    },
    limitedCodes: positive('limitedCodes', LIMITED_CODE_LIMIT),
    mediaCheckDelayMs: Math.min(positive('mediaCheckDelayMs', 60_000), 30 * 60_000),
  }
}
