import { defineWxkitConfig } from '../../vitest.shared.ts'

export default defineWxkitConfig()
