import { describe, expect, it } from 'vitest'
import { DEFAULT_APP } from '../src/index.js'
import { classicToken, emulator } from './support/emulator-fixture.js'

const WRONG_SECRET = 'wrongSecretF00dBabe1234567890abcd'

/** The whole answer a client sees: status line, headers and body. */
async function wholeAnswer(response: Response): Promise<string> {
  const headers: string[] = []
  response.headers.forEach((value, name) => {
    headers.push(`${name}: ${value}`)
  })
  return `${response.status} ${headers.join('\n')} ${await response.text()}`
}

describe('error answers never echo the secret, token or code a client sent', () => {
  it('holds on every failing WeChat path', async () => {
    const e = await emulator()
    const api = e.apiBaseUrl
    const { appId, appSecret } = DEFAULT_APP
    const token = await classicToken(e)
    const usedLogin = await e.control.mintCode({ kind: 'login' })
    await fetch(
      `${api}/sns/jscode2session?appid=${appId}&secret=${appSecret}&js_code=${usedLogin}&grant_type=authorization_code`,
    )
    const usedPhone = await e.control.mintCode({ kind: 'phone' })
    const phoneUrl = `${api}/wxa/business/getuserphonenumber?access_token=${token}`
    await fetch(phoneUrl, { method: 'POST', body: JSON.stringify({ code: usedPhone }) })
    const usedOAuth = await e.control.mintCode({ kind: 'oauth' })
    const exchange = `${api}/sns/oauth2/access_token?appid=${appId}&secret=${appSecret}&grant_type=authorization_code`
    const oauth = (await (await fetch(`${exchange}&code=${usedOAuth}`)).json()) as Record<string, string>
    const userToken = oauth.access_token ?? ''
    const refreshToken = oauth.refresh_token ?? ''
    const post = (url: string, body: unknown, type = 'application/json') =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': type },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })

    const failures: [string, Promise<Response>][] = [
      [
        'token, wrong secret',
        fetch(`${api}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${WRONG_SECRET}`),
      ],
      [
        'token, unknown appid',
        fetch(`${api}/cgi-bin/token?grant_type=client_credential&appid=wx0&secret=${appSecret}`),
      ],
      ['token, bad grant', fetch(`${api}/cgi-bin/token?grant_type=x&appid=${appId}&secret=${appSecret}`)],
      [
        'stable, wrong secret',
        post(`${api}/cgi-bin/stable_token`, {
          grant_type: 'client_credential',
          appid: appId,
          secret: WRONG_SECRET,
        }),
      ],
      [
        'stable, form body',
        post(
          `${api}/cgi-bin/stable_token`,
          `grant_type=client_credential&appid=${appId}&secret=${appSecret}`,
          'application/x-www-form-urlencoded',
        ),
      ],
      ['stable, broken JSON', post(`${api}/cgi-bin/stable_token`, `{"secret":"${appSecret}",`)],
      [
        'stable, bad force',
        post(`${api}/cgi-bin/stable_token`, {
          grant_type: 'client_credential',
          appid: appId,
          secret: appSecret,
          force_refresh: appSecret,
        }),
      ],
      [
        'jscode2session, used',
        fetch(
          `${api}/sns/jscode2session?appid=${appId}&secret=${appSecret}&js_code=${usedLogin}&grant_type=authorization_code`,
        ),
      ],
      [
        'jscode2session, wrong secret',
        fetch(
          `${api}/sns/jscode2session?appid=${appId}&secret=${WRONG_SECRET}&js_code=${usedLogin}&grant_type=authorization_code`,
        ),
      ],
      ['phone, used', post(phoneUrl, { code: usedPhone })],
      [
        'phone, token in body',
        post(`${api}/wxa/business/getuserphonenumber`, { access_token: token, code: usedPhone }),
      ],
      ['ticket, bad type', fetch(`${api}/cgi-bin/ticket/getticket?access_token=${token}&type=${appSecret}`)],
      ['ticket, user token', fetch(`${api}/cgi-bin/ticket/getticket?access_token=${userToken}&type=jsapi`)],
      [
        'wxacode, bad scene',
        post(`${api}/wxa/getwxacodeunlimit?access_token=${token}`, { scene: `${appSecret}%` }),
      ],
      [
        'subscribe, no template',
        post(`${api}/cgi-bin/message/subscribe/send?access_token=${token}`, {
          touser: 'o',
          template_id: appSecret,
          data: {},
        }),
      ],
      ['oauth, used code', fetch(`${exchange}&code=${usedOAuth}`)],
      [
        'oauth, wrong secret',
        fetch(
          `${api}/sns/oauth2/access_token?appid=${appId}&secret=${WRONG_SECRET}&code=${usedOAuth}&grant_type=authorization_code`,
        ),
      ],
      [
        'refresh, unknown',
        fetch(
          `${api}/sns/oauth2/refresh_token?appid=${appId}&grant_type=refresh_token&refresh_token=${refreshToken}x`,
        ),
      ],
      ['userinfo, global token', fetch(`${api}/sns/userinfo?access_token=${token}&openid=o`)],
      ['auth, other openid', fetch(`${api}/sns/auth?access_token=${userToken}&openid=${appSecret}`)],
      ['unknown path', fetch(`${api}/cgi-bin/nope?access_token=${token}&secret=${appSecret}`)],
      [
        'too large',
        post(`${api}/cgi-bin/stable_token`, `{"secret":"${appSecret}","pad":"${'x'.repeat(1 << 20)}"}`),
      ],
    ]
    const answers = await Promise.all(
      failures.map(async ([name, pending]) => [name, await wholeAnswer(await pending)] as const),
    )
    await e.control.advanceClock(7200_000)
    for (const [name, pending] of [
      ['ticket, expired token', fetch(`${api}/cgi-bin/ticket/getticket?access_token=${token}&type=jsapi`)],
      ['userinfo, expired user token', fetch(`${api}/sns/userinfo?access_token=${userToken}&openid=o`)],
    ] as const) {
      answers.push([name, await wholeAnswer(await pending)])
    }

    const secrets = [appSecret, WRONG_SECRET, token, usedLogin, usedPhone, usedOAuth, userToken, refreshToken]
    for (const [name, answer] of answers) {
      expect(answer, name).toMatch(/errcode|404 Not Found|413 Request Entity Too Large/)
      for (const secret of secrets) expect(answer, `${name} echoes a secret`).not.toContain(secret)
    }
  })
})
