import { type EventPushOutcome, pushOfficialAccountEvent } from '../push/official-account-events.js'
import type { EmulatorState } from '../state/emulator-state.js'
import { SUBSCRIBE_SCENES, type SubscribeScene } from '../state/followers.js'
import { randomToken } from '../state/secrets.js'
import type { RegisterOaTemplateOptions } from '../state/template-messages.js'

/** The argument of `follow()`. */
export interface FollowOptions {
  /** The user. @default a new openid */
  openid?: string
  /** The user's unionid, reported by `user/info`. */
  unionid?: string
  /** How they found the account (`subscribe_scene`). @default 'ADD_SCENE_SEARCH' */
  scene?: SubscribeScene
  /** The app. @default the first app the emulator was started with */
  appId?: string
}

/** What `follow()` did. */
export interface FollowResult {
  openid: string
  /** False when the user already followed (nothing was pushed). */
  followed: boolean
  /** The `subscribe` event and its push, when the user was new. */
  push?: EventPushOutcome
}

/** The argument of `unfollow()`: the openid, or `{ openid, appId }`. */
export type UnfollowOptions = string | { openid: string; appId?: string }

/** What `unfollow()` did. */
export interface UnfollowResult {
  /** False when the user did not follow (nothing was pushed). */
  unfollowed: boolean
  push?: EventPushOutcome
}

/** The argument of `scanQrCode()`: a user scanning a parameter QR code with WeChat. */
export interface ScanQrCodeOptions {
  /** The ticket `qrcode/create` answered. */
  ticket: string
  /** The user who scans. @default a new openid (a first-time visitor) */
  openid?: string
}

/** What a scan did. */
export interface ScanQrCodeResult {
  openid: string
  /** `subscribe` for a non-follower (who now follows), `SCAN` for a follower, `null` when nothing happened. */
  event: 'subscribe' | 'SCAN' | null
  /** Why nothing happened (an unknown or expired ticket). */
  reason?: string
  push?: EventPushOutcome
}

/** The argument of `clickMenu()`: a follower tapping a button of the current menu. */
export type ClickMenuOptions = { openid: string; appId?: string } & (
  | { key: string; url?: never }
  | { url: string; key?: never }
)

/** What a menu tap pushed. */
export interface ClickMenuResult {
  event: 'CLICK' | 'VIEW'
  push: EventPushOutcome
}

/** The Official Account control calls: followers, template message templates, QR code scans and menu taps. */
export interface OfficialAccountControl {
  /** A user follows the account: `user/info` and `user/get` see them, and `subscribe` is pushed. */
  follow(options?: FollowOptions): Promise<FollowResult>
  /** A user unfollows: `user/info` answers `subscribe: 0`, and `unsubscribe` is pushed. */
  unfollow(options: UnfollowOptions): Promise<UnfollowResult>
  /** Register an Official Account template message template. */
  registerOaTemplate(options: RegisterOaTemplateOptions): Promise<void>
  /** A user scans a parameter QR code. */
  scanQrCode(options: ScanQrCodeOptions): Promise<ScanQrCodeResult>
  /** A follower taps a `click` button (by `key`) or a `view` button (by `url`) of the current menu. */
  clickMenu(options: ClickMenuOptions): Promise<ClickMenuResult>
}

const fail = (message: string): never => {
  throw new TypeError(`@wxkit/emulator: ${message}`)
}

const optionalString = (method: string, name: string, value: unknown): void => {
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    fail(`${method} ${name} must be a non-empty string`)
  }
}

/** A fresh openid shaped like WeChat's (28 characters starting with `o`). */
const newOpenid = (): string => `o${randomToken(27)}`

/** The in-process Official Account control calls of one emulator. */
export function createOfficialAccountControl(
  state: EmulatorState,
  appIdOrFirst: (appId: string | undefined) => string,
): OfficialAccountControl {
  const follow = async (
    appId: string,
    openid: string,
    scene: SubscribeScene,
    qr?: { ticket: string; scene: number | string },
  ): Promise<EventPushOutcome | undefined> => {
    state.users.ensure(appId, openid)
    const followed = state.followers.follow({
      appId,
      openid,
      followedAt: state.now(),
      scene,
      ...(qr ? { qrScene: qr.scene } : {}),
    })
    if (!followed) return undefined
    return pushOfficialAccountEvent(state, appId, openid, {
      Event: 'subscribe',
      ...(qr ? { EventKey: `qrscene_${qr.scene}`, Ticket: qr.ticket } : { EventKey: '' }),
    })
  }

  return {
    async follow(options = {}) {
      const { openid, unionid, scene = 'ADD_SCENE_SEARCH' } = options ?? {}
      for (const [name, value] of Object.entries({ appId: options?.appId, openid, unionid })) {
        optionalString('follow', name, value)
      }
      if (!SUBSCRIBE_SCENES.includes(scene))
        fail(`follow scene must be one of ${SUBSCRIBE_SCENES.join(', ')}`)
      if (scene === 'ADD_SCENE_QR_CODE') fail('follow by QR code happens through scanQrCode({ ticket })')
      const appId = appIdOrFirst(options?.appId)
      const user = openid ?? newOpenid()
      state.users.ensure(appId, user, unionid)
      const push = await follow(appId, user, scene)
      return { openid: user, followed: push !== undefined, ...(push ? { push } : {}) }
    },

    async unfollow(options) {
      const { openid, appId: given } = typeof options === 'string' ? { openid: options } : (options ?? {})
      if (typeof openid !== 'string' || openid === '') fail('unfollow needs an openid')
      optionalString('unfollow', 'appId', given)
      const appId = appIdOrFirst(given)
      if (!state.followers.unfollow(appId, openid as string)) return { unfollowed: false }
      const push = await pushOfficialAccountEvent(state, appId, openid as string, {
        Event: 'unsubscribe',
        EventKey: '',
      })
      return { unfollowed: true, push }
    },

    async registerOaTemplate(options) {
      const { templateId, keys = [], appId } = options ?? ({} as RegisterOaTemplateOptions)
      if (typeof templateId !== 'string' || templateId === '') {
        fail('registerOaTemplate needs a non-empty templateId')
      }
      if (
        !Array.isArray(keys) ||
        !keys.every((key) => typeof key === 'string' && /^[A-Za-z_]\w*$/.test(key))
      ) {
        fail('registerOaTemplate keys must be an array of names such as first, keyword1, thing2')
      }
      if (new Set(keys).size !== keys.length) fail('registerOaTemplate keys must not repeat')
      optionalString('registerOaTemplate', 'appId', appId)
      if (appId !== undefined) appIdOrFirst(appId)
      state.templateMessages.register({ templateId, keys, ...(appId ? { appId } : {}) })
    },

    async scanQrCode(options) {
      const { ticket, openid } = options ?? ({} as ScanQrCodeOptions)
      if (typeof ticket !== 'string' || ticket === '') fail('scanQrCode needs a ticket')
      optionalString('scanQrCode', 'openid', openid)
      const user = openid ?? newOpenid()
      const record = state.qrCodeTickets.find(ticket, state.now())
      if (record === 'unknown') return { openid: user, event: null, reason: 'the ticket is unknown' }
      if (record === 'expired') {
        return { openid: user, event: null, reason: 'the QR code has expired (its expire_seconds passed)' }
      }
      const { appId, scene } = record
      if (!state.followers.find(appId, user)) {
        const push = await follow(appId, user, 'ADD_SCENE_QR_CODE', { ticket, scene })
        return { openid: user, event: 'subscribe', ...(push ? { push } : {}) }
      }
      const push = await pushOfficialAccountEvent(state, appId, user, {
        Event: 'SCAN',
        EventKey: String(scene),
        Ticket: ticket,
      })
      return { openid: user, event: 'SCAN', push }
    },

    async clickMenu(options) {
      const { openid, key, url } = (options ?? {}) as { openid?: unknown; key?: unknown; url?: unknown }
      if (typeof openid !== 'string' || openid === '') fail('clickMenu needs an openid')
      if ((key === undefined) === (url === undefined)) fail('clickMenu needs either a key or a url')
      optionalString('clickMenu', key === undefined ? 'url' : 'key', key ?? url)
      const appId = appIdOrFirst(options?.appId)
      if (!state.followers.find(appId, openid as string)) fail('clickMenu: only followers see the menu')
      const target = key === undefined ? { url: url as string } : { key: key as string }
      const button = state.menus.findButton(appId, target)
      if (!button) {
        fail(
          `clickMenu: the current menu has no ${key === undefined ? 'view button with that url' : 'click button with that key'}`,
        )
      }
      const menu = state.menus.get(appId)
      if (button?.type === 'view') {
        const push = await pushOfficialAccountEvent(state, appId, openid as string, {
          Event: 'VIEW',
          EventKey: button.url ?? '',
          MenuId: menu?.menuId ?? 0,
        })
        return { event: 'VIEW', push }
      }
      const push = await pushOfficialAccountEvent(state, appId, openid as string, {
        Event: 'CLICK',
        EventKey: button?.key ?? '',
      })
      return { event: 'CLICK', push }
    },
  }
}
