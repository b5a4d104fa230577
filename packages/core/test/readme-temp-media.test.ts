import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { Wechat } from '../src/index.js'
import { DEFAULT_APP, emulator } from './helpers.js'
import { exampleBlock, readmeBlock } from './readme-blocks.js'

test('the README example temp-media is exactly the code its test runs', () => {
  expect(readmeBlock('### Temporary media')).toBe(exampleBlock(import.meta.url, 'temp-media'))
})

test('the temporary media example works against the emulator', async () => {
  const emu = await emulator()
  const wechat = new Wechat({ ...DEFAULT_APP, baseURL: emu.apiBaseUrl })
  const openid = 'o_readme'
  await emu.control.userMessage({ openid }) // the user wrote to customer service
  const log: string[] = []
  const console = { log: (line: string) => void log.push(line) }

  // README:temp-media:begin
  // A picture for the user, kept by WeChat for 3 days: upload it, then send its media_id.
  const png = await readFile(new URL('./parcel.png', import.meta.url))
  const { media_id, created_at } = await wechat.uploadTempMedia({
    type: 'image',
    data: png,
    filename: 'parcel.png',
  })
  await wechat.sendCustomerMessage({ touser: openid, msgtype: 'image', image: { media_id } })

  // Read it back (within 3 days): the bytes, or { video_url } for a video.
  const media = await wechat.getTempMedia(media_id)
  if (media instanceof Uint8Array)
    console.log(`${media.length} bytes, uploaded at ${created_at} (unix seconds)`)
  // README:temp-media:end

  expect(media).toEqual(new Uint8Array(png))
  expect(log).toEqual([`${png.length} bytes, uploaded at ${created_at} (unix seconds)`])
  expect(await emu.control.messages()).toEqual([
    expect.objectContaining({ kind: 'customer', msgtype: 'image', content: { media_id } }),
  ])
  await wechat.close()
})
