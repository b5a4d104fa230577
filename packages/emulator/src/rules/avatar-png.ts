import { createHash } from 'node:crypto'
import { encodePng } from './png.js'

const SIZE = 132
const BACKGROUND = [0xf2, 0xf2, 0xf2] as const

/**
 * A small avatar PNG (132×132, WeChat's largest thumbnail size) for `seed`: a colour and a 5×5 symmetric
 * pattern derived from the seed, so each user gets a stable, distinct picture.
 */
export function avatarPng(seed: string): Buffer {
  const digest = createHash('sha256').update(seed).digest()
  const colour = [digest[0] ?? 0, digest[1] ?? 0, digest[2] ?? 0].map((c) => 64 + (c % 160))
  const cell = Math.floor(SIZE / 6)
  const offset = Math.floor((SIZE - cell * 5) / 2)
  return encodePng(SIZE, SIZE, 3, (x, y) => {
    const cx = Math.floor((x - offset) / cell)
    const cy = Math.floor((y - offset) / cell)
    const inside = x >= offset && y >= offset && cx < 5 && cy < 5
    const column = cx < 3 ? cx : 4 - cx
    const on = inside && ((digest[3 + cy * 3 + column] ?? 0) & 1) === 1
    return on ? colour : BACKGROUND
  })
}
