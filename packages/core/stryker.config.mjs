import { strykerConfig } from '../../stryker.shared.mjs'

// The security-critical files: redaction, validation, crypto, the token layer, transport, API families.
export default strykerConfig({
  mutate: [
    'src/redact.ts',
    'src/validate.ts',
    'src/truncate-string.ts',
    'src/crypto/*.ts',
    'src/token-store.ts',
    'src/shared-cache.ts',
    'src/transport.ts',
    'src/apis/*.ts',
  ],
})
