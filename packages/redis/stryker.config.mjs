import { strykerConfig } from '../../stryker.shared.mjs'

// The cross-process refresh lock (acquire, the owner-checked release, deadlines).
export default strykerConfig({
  mutate: ['src/redis-lock.ts', 'src/release-script.ts', 'src/deadline.ts'],
})
