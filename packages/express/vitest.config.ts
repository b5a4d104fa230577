import { defineWxkitConfig } from '../../vitest.shared.ts'

export default defineWxkitConfig({
  test: {
    // `test/*.test-d.ts` hold type-level expectations (req.wechat, req.wechatUser); vitest runs them through tsc.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
})
