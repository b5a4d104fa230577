import type { TypingRecord } from '../state/customer-service.js'
import type { EmulatorState } from '../state/emulator-state.js'

/** The argument of `userMessage()`: a user writing to the account. */
export interface UserMessageOptions {
  /** The user. */
  openid: string
  /** The app. @default the first app the emulator was started with */
  appId?: string
}

/** The customer service part of the control API (§14.5). */
export interface CustomerServiceControl {
  /**
   * A user sends the account a message (without pushing it anywhere): the 48-hour customer service
   * window opens (again) from now. `pushMessage` of a user message does the same.
   */
  userMessage(options: UserMessageOptions): Promise<void>
  /** The typing indicators the account sent, oldest first. */
  typing(): Promise<TypingRecord[]>
}

/** The names of the customer service control methods (HTTP control paths too). */
export const CUSTOMER_SERVICE_CONTROL_METHODS = [
  'userMessage',
  'typing',
] as const satisfies readonly (keyof CustomerServiceControl)[]

/** The in-process customer service control of one emulator's state. */
export function createCustomerServiceControl(
  state: EmulatorState,
  appIdOrFirst: (appId: string | undefined) => string,
): CustomerServiceControl {
  return {
    async userMessage(options) {
      const { openid, appId } = options ?? ({} as UserMessageOptions)
      if (typeof openid !== 'string' || openid === '') {
        throw new TypeError('@wxkit/emulator: userMessage needs an openid')
      }
      if (appId !== undefined && (typeof appId !== 'string' || appId === '')) {
        throw new TypeError('@wxkit/emulator: userMessage appId must be a non-empty string')
      }
      const app = appIdOrFirst(appId)
      state.users.ensure(app, openid)
      state.customerService.userMessaged(app, openid, state.now())
    },

    async typing() {
      return state.customerService.typing()
    },
  }
}
