import { strykerConfig } from '../../stryker.shared.mjs'

// The security-critical files: redaction, validation, crypto, the token layer, transport, API families,
// and the push protocol (its crypto, parsing and dedupe).
export default strykerConfig({
  mutate: [
    'src/redact.ts',
    'src/validate.ts',
    'src/truncate-string.ts',
    'src/crypto/*.ts',
    'src/token-store.ts',
    'src/token-cache.ts',
    'src/token-fetchers.ts',
    'src/force-refresh-budget.ts',
    'src/shared-cache.ts',
    'src/transport.ts',
    'src/apis/*.ts',
    'src/push/message-crypto.ts',
    'src/push/push-xml.ts',
    'src/push/push-dedupe.ts',
    'src/push/message-server.ts',
  ],
})
