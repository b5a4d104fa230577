import { strykerConfig } from '../../stryker.shared.mjs'

// Session, OAuth state, code exchange, return-to, request origin, cookie handling and the
// exactly-once pay notification ledger.
export default strykerConfig({
  mutate: [
    'src/session/*.ts',
    'src/oauth/*.ts',
    'src/http/request-origin.ts',
    'src/http/cookies.ts',
    'src/jssdk/page-url.ts',
    'src/pay/notification-ledger.ts',
    'src/pay/pay-notify-route.ts',
  ],
})
