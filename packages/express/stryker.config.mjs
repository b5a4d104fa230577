import { strykerConfig } from '../../stryker.shared.mjs'

// Session, OAuth state, code exchange, return-to, request origin and cookie handling.
export default strykerConfig({
  mutate: [
    'src/session/*.ts',
    'src/oauth/*.ts',
    'src/http/request-origin.ts',
    'src/http/cookies.ts',
    'src/jssdk/page-url.ts',
  ],
})
