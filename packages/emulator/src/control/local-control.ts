import { pushTarget } from '../push/push-target.js'
import { opensCustomerServiceWindow } from '../state/customer-service.js'
import type { EmulatorState } from '../state/emulator-state.js'
import { createContentControl } from './content-control.js'
import { createCustomerServiceControl } from './customer-service-control.js'
import type { EmulatorControl } from './emulator-control.js'
import { createLinksControl } from './links-control.js'
import { createOfficialAccountControl } from './official-account-control.js'
import { createPayControl } from './pay-control.js'
import { createShippingControl } from './shipping-control.js'

const PHONE_DEFAULT = '13800138000'

/** The in-process control of one emulator's state. */
export function createLocalControl(state: EmulatorState): EmulatorControl {
  const appIdOrFirst = (appId: string | undefined): string => {
    const id = appId ?? state.firstAppId()
    if (!state.apps.has(id)) throw new TypeError(`@wxkit/emulator: unknown appId ${id}`)
    return id
  }

  return {
    ...createOfficialAccountControl(state, appIdOrFirst),
    ...createPayControl(state),
    ...createLinksControl(state),
    ...createContentControl(state),
    ...createCustomerServiceControl(state, appIdOrFirst),
    ...createShippingControl(state, appIdOrFirst),

    async reset() {
      state.reset()
    },

    async advanceClock(ms) {
      state.clock.advance(ms)
      // Notification retries that fell due on the new time run before the call returns.
      await state.pay.notifier.deliverDue()
      await state.mediaChecks.deliverDue()
    },

    async mintCode(options) {
      const { kind, openid, unionid, phoneNumber, countryCode, scope } = options ?? {}
      if (kind !== 'login' && kind !== 'phone' && kind !== 'oauth') {
        throw new TypeError('@wxkit/emulator: mintCode kind must be "login", "phone" or "oauth"')
      }
      for (const [name, value] of Object.entries({ appId: options.appId, openid, unionid })) {
        if (value !== undefined && (typeof value !== 'string' || value === '')) {
          throw new TypeError(`@wxkit/emulator: mintCode ${name} must be a non-empty string`)
        }
      }
      if (kind !== 'phone' && (phoneNumber !== undefined || countryCode !== undefined)) {
        throw new TypeError('@wxkit/emulator: mintCode phoneNumber and countryCode apply to phone codes only')
      }
      if (phoneNumber !== undefined && (typeof phoneNumber !== 'string' || !/^\d{1,20}$/.test(phoneNumber))) {
        throw new TypeError('@wxkit/emulator: mintCode phoneNumber must be a string of 1 to 20 digits')
      }
      if (countryCode !== undefined && (typeof countryCode !== 'string' || !/^\d{1,4}$/.test(countryCode))) {
        throw new TypeError('@wxkit/emulator: mintCode countryCode must be a string of 1 to 4 digits')
      }
      if (scope !== undefined && kind !== 'oauth') {
        throw new TypeError('@wxkit/emulator: mintCode scope applies to oauth codes only')
      }
      if (scope !== undefined && scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') {
        throw new TypeError('@wxkit/emulator: mintCode scope must be "snsapi_base" or "snsapi_userinfo"')
      }
      const appId = appIdOrFirst(options.appId)
      const user = openid ? state.users.ensure(appId, openid, unionid) : state.users.defaultUser(appId)
      if (!openid && unionid !== undefined) state.users.ensure(appId, user.openid, unionid)
      const record = state.codes.mint(
        {
          kind,
          appId,
          openid: user.openid,
          ...(user.unionid !== undefined ? { unionid: user.unionid } : {}),
          ...(kind === 'phone'
            ? { phoneNumber: phoneNumber ?? PHONE_DEFAULT, countryCode: countryCode ?? '86' }
            : {}),
          ...(kind === 'oauth' ? { scope: scope ?? 'snsapi_userinfo' } : {}),
        },
        state.now(),
      )
      return record.code
    },

    async registerTemplate(options) {
      if (options?.appId !== undefined) appIdOrFirst(options.appId)
      state.subscriptions.registerTemplate(options)
    },

    async subscribe(options) {
      const { openid, templateId, times = 1 } = options ?? {}
      if (
        typeof openid !== 'string' ||
        openid === '' ||
        typeof templateId !== 'string' ||
        templateId === ''
      ) {
        throw new TypeError('@wxkit/emulator: subscribe needs an openid and a templateId')
      }
      if (!Number.isInteger(times) || times < 1) {
        throw new TypeError('@wxkit/emulator: subscribe times must be a positive integer')
      }
      const appId = appIdOrFirst(options.appId)
      state.users.ensure(appId, openid)
      state.subscriptions.grant(appId, openid, templateId, times)
    },

    async messages() {
      // Each list is in delivery order; a stable sort by time interleaves them.
      return [
        ...state.subscriptions.messages(),
        ...state.templateMessages.messages(),
        ...state.customerService.messages(),
      ].sort((a, b) => a.sentAt - b.sentAt)
    },

    async counters() {
      return {
        calls: state.calls.snapshot(),
        tokensIssued: state.tokens.issued,
        ticketsIssued: state.tickets.issued,
      }
    },

    async tokens() {
      return state.tokens.live(state.now()).map(({ token, appId, kind, expiresAt, retiredAt }) => ({
        token,
        appId,
        kind,
        expiresAt: Math.min(expiresAt, retiredAt ?? expiresAt),
      }))
    },

    async tickets() {
      return state.tickets
        .live(state.now())
        .map(({ ticket, appId, type, expiresAt }) => ({ ticket, appId, type, expiresAt }))
    },

    async injectFault(options) {
      state.faults.add(options)
    },

    async revokeTokens(options) {
      state.tokens.revoke(options?.appId === undefined ? undefined : appIdOrFirst(options.appId))
    },

    async pushMessage(options) {
      const { appid = state.firstAppId(), message } = options ?? {}
      if (typeof appid !== 'string' || appid === '') {
        throw new TypeError('@wxkit/emulator: pushMessage appid must be a non-empty string')
      }
      const result = await state.push.deliver(pushTarget('pushMessage', options ?? {}, appid), message)
      // The user wrote, whether or not the server took the push: their customer service window opens.
      const sent = result.message
      if (
        opensCustomerServiceWindow(sent) &&
        typeof sent.FromUserName === 'string' &&
        state.apps.has(appid)
      ) {
        state.users.ensure(appid, sent.FromUserName)
        state.customerService.userMessaged(appid, sent.FromUserName, state.now())
      }
      return result
    },

    async verifyServerUrl(options) {
      const { url, token } = pushTarget('verifyServerUrl', options ?? {}, state.firstAppId())
      return state.push.verify({ url, token })
    },

    async configurePush(options) {
      const appid = appIdOrFirst(options?.appid)
      state.push.configure(pushTarget('configurePush', options ?? {}, appid))
    },

    async pushes() {
      return state.push.emitted()
    },
  }
}
