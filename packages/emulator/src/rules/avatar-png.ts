import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'

const SIZE = 132

/**
 * A small avatar PNG (132×132, WeChat's largest thumbnail size) for `seed`: a colour and a 5×5 symmetric
 * pattern derived from the seed, so each user gets a stable, distinct picture.
 */
export function avatarPng(seed: string): Buffer {
  const digest = createHash('sha256').update(seed).digest()
  const colour = [digest[0] ?? 0, digest[1] ?? 0, digest[2] ?? 0].map((c) => 64 + (c % 160))
  const cell = Math.floor(SIZE / 6)
  const offset = Math.floor((SIZE - cell * 5) / 2)
  const raw = Buffer.alloc((SIZE * 3 + 1) * SIZE, 0xf2)
  for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 3 + 1)
    raw[row] = 0
    for (let x = 0; x < SIZE; x++) {
      const cx = Math.floor((x - offset) / cell)
      const cy = Math.floor((y - offset) / cell)
      const inside = x >= offset && y >= offset && cx < 5 && cy < 5
      const column = cx < 3 ? cx : 4 - cx
      const on = inside && ((digest[3 + cy * 3 + column] ?? 0) & 1) === 1
      if (on) {
        const px = row + 1 + x * 3
        raw[px] = colour[0] ?? 0
        raw[px + 1] = colour[1] ?? 0
        raw[px + 2] = colour[2] ?? 0
      }
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(SIZE, 0)
  header.writeUInt32BE(SIZE, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}
