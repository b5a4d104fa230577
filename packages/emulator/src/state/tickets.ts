import { randomToken } from './secrets.js'

/** jsapi_ticket lifetime: `expires_in` 7200 seconds (§2.1). */
export const TICKET_TTL_MS = 7200_000

/** The ticket types `/cgi-bin/ticket/getticket` serves. */
export type TicketType = 'jsapi' | 'wx_card'

/** A ticket the emulator has issued. */
export interface TicketRecord {
  ticket: string
  appId: string
  type: TicketType
  issuedAt: number
  expiresAt: number
}

/**
 * Tickets per app and type. While a ticket is live, `getticket` answers that same ticket (with its
 * remaining lifetime); a new one is minted only when none is live.
 */
export class TicketStore {
  readonly #tickets: TicketRecord[] = []
  #issued = 0

  /** How many tickets have been minted (repeat answers are not counted). */
  get issued(): number {
    return this.#issued
  }

  /** The live ticket of `appId` and `type`, minting one when none is live. */
  getOrMint(appId: string, type: TicketType, now: number): { record: TicketRecord; minted: boolean } {
    const live = this.live(now).filter((record) => record.appId === appId && record.type === type)
    const newest = live.at(-1)
    if (newest) return { record: newest, minted: false }
    const record: TicketRecord = {
      ticket: randomToken(86),
      appId,
      type,
      issuedAt: now,
      expiresAt: now + TICKET_TTL_MS,
    }
    this.#tickets.push(record)
    this.#issued += 1
    return { record, minted: true }
  }

  /** Every live ticket, oldest first. */
  live(now: number): TicketRecord[] {
    return this.#tickets.filter((record) => now < record.expiresAt)
  }

  /** Forget everything. */
  clear(): void {
    this.#tickets.length = 0
    this.#issued = 0
  }
}
