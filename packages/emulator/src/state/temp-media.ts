import type { TempMediaType } from '../rules/temp-media-limits.js'
import { TEMP_MEDIA_LIFETIME_MS } from '../rules/temp-media-limits.js'
import { randomToken } from './secrets.js'

/** One uploaded temporary media file. */
export interface TempMediaRecord {
  /** 64 characters from `[A-Za-z0-9_-]`, shaped like WeChat's. */
  mediaId: string
  appId: string
  type: TempMediaType
  filename: string
  contentType: string
  bytes: Uint8Array
  /** Emulator time (ms) of the upload. */
  createdAt: number
  /** Emulator time (ms) from which the id answers 40007: 3 days after the upload. */
  expiresAt: number
}

/**
 * Temporary media (§15.5), per app, kept 3 days on the emulator clock. An expired file is dropped when
 * next looked up, so `advanceClock` is all a test needs.
 */
export class TempMediaStore {
  readonly #media = new Map<string, TempMediaRecord>()

  /** Store a file and give it a media id. */
  add(fields: Omit<TempMediaRecord, 'mediaId' | 'expiresAt'>): TempMediaRecord {
    const record: TempMediaRecord = {
      ...fields,
      mediaId: randomToken(64),
      expiresAt: fields.createdAt + TEMP_MEDIA_LIFETIME_MS,
    }
    this.#media.set(record.mediaId, record)
    return record
  }

  /** The live file `mediaId` of `appId`, or undefined (unknown, another app's, or expired). */
  find(appId: string, mediaId: unknown, now: number): TempMediaRecord | undefined {
    if (typeof mediaId !== 'string') return undefined
    const record = this.#media.get(mediaId)
    if (record && now >= record.expiresAt) this.#media.delete(mediaId)
    if (!record || record.appId !== appId || now >= record.expiresAt) return undefined
    return record
  }

  /** The live video `mediaId` of any app: what its `video_url` downloads. */
  download(mediaId: string, now: number): TempMediaRecord | undefined {
    const record = this.#media.get(mediaId)
    return record && record.type === 'video' && now < record.expiresAt ? record : undefined
  }

  /** Forget every file. */
  clear(): void {
    this.#media.clear()
  }
}
