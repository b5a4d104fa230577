import { beijingDay } from './clock.js'
import { randomToken } from './secrets.js'

/** What a link is: a URL Link, a URL Scheme or a Short Link (§14.1). */
export type LinkKind = 'url_link' | 'scheme' | 'short_link'

/** The `env_version` a link opens. */
export type LinkEnvVersion = 'release' | 'trial' | 'develop'

/** A link the emulator generated. */
export interface LinkRecord {
  kind: LinkKind
  /** What the API answered: `https://wxaurl.cn/…`, `weixin://dl/business/?t=…` or `#小程序://wxkit/…`. */
  address: string
  appId: string
  /** The page (no query), `''` for the home page. */
  path: string
  query: string
  envVersion: LinkEnvVersion
  createdAt: number
  /** Emulator time (ms) it stops opening; absent for a permanent short link. */
  expiresAt?: number
  cloudBase?: Record<string, unknown>
  /** Short links: the title shown in the chat. */
  pageTitle?: string
  /** Times it was opened. */
  visits: number
}

/** The quotas of link generation and opening (§14.1); lower them in tests. */
export interface LinkLimits {
  /** URL Links and Schemes generated per app per (Beijing) day, together. @default 500000 */
  generatedPerDay: number
  /** URL Link and Scheme opens per app per day, together. @default 3000000 */
  visitsPerDay: number
  /** Permanent short links per app, for good. @default 100000 */
  permanentShortLinks: number
}

/** The documented quotas. */
export const LINK_LIMITS: Readonly<LinkLimits> = Object.freeze({
  generatedPerDay: 500_000,
  visitsPerDay: 3_000_000,
  permanentShortLinks: 100_000,
})

/** Why a link could not be generated or opened. */
export type LinkRefusal = 'daily-quota' | 'long-term-quota' | 'unknown' | 'expired' | 'visit-quota'

const counted = (kind: LinkKind): boolean => kind !== 'short_link'

function newAddress(kind: LinkKind): string {
  if (kind === 'url_link') return `https://wxaurl.cn/${randomToken(11, 'alphanumeric')}`
  if (kind === 'scheme') return `weixin://dl/business/?t=${randomToken(13, 'alphanumeric')}`
  return `#小程序://wxkit/${randomToken(15, 'alphanumeric')}`
}

/** A URL Link may come back with WeChat's `?cq=…` suffix; it names the same link. */
function normalise(address: string): string {
  return address.startsWith('https://wxaurl.cn/') ? (address.split(/[?#]/, 1)[0] ?? address) : address
}

/** Generated links, their visits, and the per-app daily and long-term quotas. */
export class LinkBook {
  readonly #links = new Map<string, LinkRecord>()
  /** `appId day` → URL Links and Schemes generated that day. */
  readonly #generated = new Map<string, number>()
  /** `appId day` → URL Link and Scheme opens that day. */
  readonly #visits = new Map<string, number>()
  readonly #permanent = new Map<string, number>()

  constructor(readonly limits: LinkLimits = LINK_LIMITS) {}

  /** Generate a link, counting it against the app's quotas. */
  generate(
    fields: Omit<LinkRecord, 'address' | 'createdAt' | 'visits'>,
    now: number,
  ): LinkRecord | LinkRefusal {
    const day = `${fields.appId} ${beijingDay(now)}`
    if (counted(fields.kind) && (this.#generated.get(day) ?? 0) >= this.limits.generatedPerDay)
      return 'daily-quota'
    const permanent = fields.kind === 'short_link' && fields.expiresAt === undefined
    if (permanent && (this.#permanent.get(fields.appId) ?? 0) >= this.limits.permanentShortLinks)
      return 'long-term-quota'
    if (counted(fields.kind)) this.#generated.set(day, (this.#generated.get(day) ?? 0) + 1)
    if (permanent) this.#permanent.set(fields.appId, (this.#permanent.get(fields.appId) ?? 0) + 1)
    const record: LinkRecord = { ...fields, address: newAddress(fields.kind), createdAt: now, visits: 0 }
    this.#links.set(record.address, record)
    return record
  }

  /** The link at `address` (of `kind`, when given), expired or not. */
  find(address: string, kind?: LinkKind): LinkRecord | undefined {
    const record = this.#links.get(normalise(address))
    return record && (kind === undefined || record.kind === kind) ? record : undefined
  }

  /** A user opens `address`: counted against the day's opens (Links and Schemes) and the link's visits. */
  open(address: string, now: number): LinkRecord | LinkRefusal {
    const record = this.find(address)
    if (!record) return 'unknown'
    if (record.expiresAt !== undefined && now >= record.expiresAt) return 'expired'
    if (counted(record.kind)) {
      const day = `${record.appId} ${beijingDay(now)}`
      const used = this.#visits.get(day) ?? 0
      if (used >= this.limits.visitsPerDay) return 'visit-quota'
      this.#visits.set(day, used + 1)
    }
    record.visits += 1
    return record
  }

  /** URL Link and Scheme opens `appId` has left today (`quota_info.remain_visit_quota`). */
  remainingVisits(appId: string, now: number): number {
    return Math.max(0, this.limits.visitsPerDay - (this.#visits.get(`${appId} ${beijingDay(now)}`) ?? 0))
  }

  /** Forget every link and count. */
  clear(): void {
    this.#links.clear()
    this.#generated.clear()
    this.#visits.clear()
    this.#permanent.clear()
  }
}
