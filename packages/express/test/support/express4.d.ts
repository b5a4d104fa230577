// The Express 4 install is a pnpm alias (`express4` → `npm:express@^4`) without its own types; its API is
// the same as far as these tests go.
declare module 'express4' {
  import type express from 'express'

  const express4: typeof express
  export default express4
}
