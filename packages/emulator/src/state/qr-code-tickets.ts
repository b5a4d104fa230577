import { randomBytes } from 'node:crypto'
import { randomToken } from './secrets.js'

/** The four `action_name`s of `/cgi-bin/qrcode/create` (§15.2). */
export type QrCodeActionName = 'QR_SCENE' | 'QR_STR_SCENE' | 'QR_LIMIT_SCENE' | 'QR_LIMIT_STR_SCENE'

/** A parameter QR code the emulator has issued. */
export interface QrCodeTicketRecord {
  /** Base64 like WeChat's, always with a `+`, so it must be URL-encoded in `showqrcode`. */
  ticket: string
  appId: string
  actionName: QrCodeActionName
  /** `scene_id` (a number) or `scene_str` (a string). */
  scene: number | string
  /** What the image encodes: `http://weixin.qq.com/q/…`. */
  url: string
  createdAt: number
  /** Emulator time it stops working; absent for permanent codes. */
  expiresAt?: number
}

/**
 * A base64 ticket like WeChat's that always holds a `+` (and ends in `==`), so a client that forgets to
 * URL-encode it in `showqrcode` fails on every run, not on one run in a few.
 */
function newTicket(): string {
  for (;;) {
    const ticket = `gQ${randomBytes(70).toString('base64')}`
    if (ticket.includes('+')) return ticket
  }
}

/** Why a ticket cannot be used. */
export type QrCodeTicketRefusal = 'unknown' | 'expired'

/**
 * Parameter QR code tickets. Temporary codes get a new ticket per request; a permanent code asked for
 * again with the same scene answers the ticket it already has (WeChat keeps one permanent code per scene).
 */
export class QrCodeTicketStore {
  readonly #tickets = new Map<string, QrCodeTicketRecord>()

  /** Issue a ticket (or find the permanent one of the same scene). */
  create(fields: Omit<QrCodeTicketRecord, 'ticket' | 'url' | 'createdAt'>, now: number): QrCodeTicketRecord {
    if (fields.expiresAt === undefined) {
      for (const record of this.#tickets.values()) {
        if (
          record.appId === fields.appId &&
          record.expiresAt === undefined &&
          record.actionName === fields.actionName &&
          record.scene === fields.scene
        ) {
          return record
        }
      }
    }
    const record: QrCodeTicketRecord = {
      ...fields,
      ticket: newTicket(),
      url: `http://weixin.qq.com/q/${randomToken(22)}`,
      createdAt: now,
    }
    this.#tickets.set(record.ticket, record)
    return record
  }

  /** The live record of `ticket`, or why there is none. */
  find(ticket: string, now: number): QrCodeTicketRecord | QrCodeTicketRefusal {
    const record = this.#tickets.get(ticket)
    if (!record) return 'unknown'
    if (record.expiresAt !== undefined && now >= record.expiresAt) return 'expired'
    return record
  }

  /** Forget every ticket. */
  clear(): void {
    this.#tickets.clear()
  }
}
