import { strykerConfig } from '../../stryker.shared.mjs'

// Request signing, response and notification verification, AEAD decryption, platform keys, input checks.
export default strykerConfig({
  mutate: [
    'src/crypto/*.ts',
    'src/signed-headers.ts',
    'src/notification.ts',
    'src/platform-keys.ts',
    'src/validate.ts',
  ],
})
