/** How a user came to follow (`subscribe_scene` of `user/info`, §15.3). */
export type SubscribeScene =
  | 'ADD_SCENE_SEARCH'
  | 'ADD_SCENE_ACCOUNT_MIGRATION'
  | 'ADD_SCENE_PROFILE_CARD'
  | 'ADD_SCENE_QR_CODE'
  | 'ADD_SCENE_PROFILE_LINK'
  | 'ADD_SCENE_PROFILE_ITEM'
  | 'ADD_SCENE_PAID'
  | 'ADD_SCENE_WECHAT_ADVERTISEMENT'
  | 'ADD_SCENE_REPRINT'
  | 'ADD_SCENE_LIVESTREAM'
  | 'ADD_SCENE_CHANNELS'
  | 'ADD_SCENE_OTHERS'

/** Every {@link SubscribeScene}, for validating control arguments. */
export const SUBSCRIBE_SCENES: readonly SubscribeScene[] = [
  'ADD_SCENE_SEARCH',
  'ADD_SCENE_ACCOUNT_MIGRATION',
  'ADD_SCENE_PROFILE_CARD',
  'ADD_SCENE_QR_CODE',
  'ADD_SCENE_PROFILE_LINK',
  'ADD_SCENE_PROFILE_ITEM',
  'ADD_SCENE_PAID',
  'ADD_SCENE_WECHAT_ADVERTISEMENT',
  'ADD_SCENE_REPRINT',
  'ADD_SCENE_LIVESTREAM',
  'ADD_SCENE_CHANNELS',
  'ADD_SCENE_OTHERS',
]

/** One follower of an Official Account. */
export interface FollowerRecord {
  appId: string
  openid: string
  /** Emulator time of the (latest) follow, in milliseconds. */
  followedAt: number
  scene: SubscribeScene
  /** The parameter code's scene when `scene` is `ADD_SCENE_QR_CODE`: a number or a string. */
  qrScene?: number | string
}

/**
 * The followers of each app, in the order they followed (the order `user/get` pages through). An unfollow
 * removes the record; following again appends a fresh one, as WeChat lists re-followers anew.
 */
export class FollowerBook {
  readonly #followers = new Map<string, Map<string, FollowerRecord>>()

  /** Add `openid` as a follower of `appId`; false (and nothing changes) when they already follow. */
  follow(record: FollowerRecord): boolean {
    const book = this.#book(record.appId)
    if (book.has(record.openid)) return false
    book.set(record.openid, { ...record })
    return true
  }

  /** Remove `openid` from the followers of `appId`; false when they did not follow. */
  unfollow(appId: string, openid: string): boolean {
    return this.#book(appId).delete(openid)
  }

  /** The follower record, when `openid` follows `appId`. */
  find(appId: string, openid: string): FollowerRecord | undefined {
    return this.#followers.get(appId)?.get(openid)
  }

  /** Every follower of `appId`, oldest follow first. */
  list(appId: string): FollowerRecord[] {
    return [...(this.#followers.get(appId)?.values() ?? [])]
  }

  /** Forget every follower. */
  clear(): void {
    this.#followers.clear()
  }

  #book(appId: string): Map<string, FollowerRecord> {
    let book = this.#followers.get(appId)
    if (!book) {
      book = new Map()
      this.#followers.set(appId, book)
    }
    return book
  }
}
