import express from 'express'
import express4 from 'express4'

/** Every test file runs its suite against both supported Express majors. */
export const EXPRESS_VERSIONS = [
  { name: 'Express 5', express },
  { name: 'Express 4', express: express4 },
] as const

/** One of {@link EXPRESS_VERSIONS}. */
export type ExpressVersion = (typeof EXPRESS_VERSIONS)[number]
