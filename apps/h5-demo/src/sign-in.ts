import { byTestId } from './dom.js'

/** What `/wechat/me` answers for a signed-in user. */
interface Identity {
  openid: string
  unionid?: string
  source: 'mini' | 'oauth'
  nickname?: string
  avatar?: string
}

/** Wires "Sign in with WeChat" / "Sign out" to the middleware's OAuth routes and shows who is signed in. */
export function setUpSignIn(): void {
  byTestId('sign-out').addEventListener('click', () => void signOut())
  updateSignInLink()
  window.addEventListener('hashchange', updateSignInLink)
  window.addEventListener('popstate', updateSignInLink)
  document.addEventListener('route-change', updateSignInLink)
  void refreshUser()
}

/** Comes back to this very page (path, query and hash route) after WeChat's consent screen. */
function updateSignInLink(): void {
  const returnTo = `${location.pathname}${location.search}${location.hash}`
  byTestId<HTMLAnchorElement>('sign-in').href = `/wechat/oauth/login?returnTo=${encodeURIComponent(returnTo)}`
}

async function refreshUser(): Promise<void> {
  const note = byTestId('account-note')
  let response: Response
  try {
    response = await fetch('/wechat/me', { headers: { accept: 'application/json' }, cache: 'no-store' })
  } catch {
    note.textContent = 'The server could not be reached.'
    return
  }
  if (response.status === 401) {
    showUser(undefined)
    return
  }
  if (!response.ok) {
    note.textContent = `Could not read the session (HTTP ${response.status}).`
    return
  }
  showUser((await response.json()) as Identity)
}

function showUser(identity: Identity | undefined): void {
  document.dispatchEvent(new CustomEvent('wechat-user', { detail: identity?.openid }))
  byTestId('user').hidden = identity === undefined
  byTestId('sign-in').hidden = identity !== undefined
  byTestId('sign-out').hidden = identity === undefined
  const note = byTestId('account-note')
  if (identity === undefined) {
    note.textContent = 'Not signed in. WeChat asks for your permission, then brings you back here.'
    return
  }
  byTestId('user-nickname').textContent = identity.nickname ?? 'WeChat user'
  byTestId('user-openid').textContent = identity.openid
  const avatar = byTestId<HTMLImageElement>('user-avatar')
  if (identity.avatar === undefined || identity.avatar === '') avatar.removeAttribute('src')
  else avatar.src = identity.avatar
  note.textContent = `Signed in through ${identity.source === 'oauth' ? 'WeChat web authorization' : 'a Mini Program'}.`
}

async function signOut(): Promise<void> {
  const button = byTestId<HTMLButtonElement>('sign-out')
  button.disabled = true
  try {
    await fetch('/wechat/logout', { method: 'POST', cache: 'no-store' })
  } finally {
    button.disabled = false
  }
  await refreshUser()
}
