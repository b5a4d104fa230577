import { Hono } from 'hono'
import { avatarPng } from '../rules/avatar-png.js'

/** `GET /__wxkit/avatar/<openid>.png`: the picture `/sns/userinfo` links as `headimgurl`. */
export function createAvatarRoutes(): Hono {
  const app = new Hono()
  app.get('/avatar/:file{[A-Za-z0-9_-]+\\.png}', (c) => {
    const openid = c.req.param('file').slice(0, -'.png'.length)
    return c.body(new Uint8Array(avatarPng(openid)), 200, {
      'Content-Type': 'image/png',
      'Cache-Control': 'public, max-age=86400',
    })
  })
  return app
}

/** The `headimgurl` of `openid` on the emulator at `origin`. */
export function avatarUrl(origin: string, openid: string): string {
  return `${origin}/__wxkit/avatar/${encodeURIComponent(openid)}.png`
}
