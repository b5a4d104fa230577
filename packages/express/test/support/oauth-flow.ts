import { expect } from 'vitest'
import type { CookieJar, TestApp } from './app-harness.js'

/** What `/oauth/login` sent the browser to. */
export interface AuthorizeRedirect {
  location: string
  state: string
  redirectUri: string
  scope: string
}

/** `GET {prefix}/oauth/login?query` → the authorize redirect it answered with. */
export async function startOauthLogin(
  app: TestApp,
  jar: CookieJar,
  query = '',
  prefix = '/wechat',
): Promise<AuthorizeRedirect> {
  const response = await app.request(`${prefix}/oauth/login${query}`, { jar })
  expect(response.status).toBe(302)
  expect(response.headers.get('cache-control')).toBe('no-store')
  const location = response.headers.get('location') as string
  const url = new URL(location)
  return {
    location,
    state: url.searchParams.get('state') as string,
    redirectUri: url.searchParams.get('redirect_uri') as string,
    scope: url.searchParams.get('scope') as string,
  }
}

/** Follows the authorize URL on the (auto-approving) emulator and returns the callback path with code and state. */
export async function approveAtWechat(
  authorize: AuthorizeRedirect,
): Promise<{ callbackPath: string; code: string }> {
  const response = await fetch(authorize.location, { redirect: 'manual' })
  expect(response.status).toBe(302)
  const callback = new URL(response.headers.get('location') as string)
  return {
    callbackPath: `${callback.pathname}${callback.search}`,
    code: callback.searchParams.get('code') as string,
  }
}

/** The whole browser round trip: login → WeChat consent → callback. Returns the callback's response. */
export async function oauthRoundTrip(app: TestApp, jar: CookieJar, query = ''): Promise<Response> {
  const authorize = await startOauthLogin(app, jar, query)
  const { callbackPath } = await approveAtWechat(authorize)
  return app.request(callbackPath, { jar })
}
