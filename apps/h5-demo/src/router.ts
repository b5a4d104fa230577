/** The views behind the hash routes `#/jssdk`, `#/account`, `#/mini-program`, `#/follow` and `#/messages`. */
const VIEWS = ['jssdk', 'account', 'mini-program', 'follow', 'messages'] as const
type View = (typeof VIEWS)[number]

/**
 * A tiny single-page router: hash routes switch views (the fragment is never signed, so they need no new
 * signature), and links marked `data-push` navigate with `history.pushState` (which changes the URL WeChat
 * checks). `onUrlChange` runs after every pushState or back/forward navigation.
 */
export function setUpRouter(onUrlChange: () => void): void {
  window.addEventListener('hashchange', showView)
  window.addEventListener('popstate', () => {
    showView()
    onUrlChange()
  })
  document.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest<HTMLAnchorElement>('a[data-push]')
    if (link === null || link === undefined || event.defaultPrevented || event.button !== 0) return
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    // Keep the current view: the hash route is part of where the user is.
    history.pushState(null, '', `${link.pathname}${link.search}${location.hash}`)
    document.dispatchEvent(new CustomEvent('route-change'))
    onUrlChange()
  })
  showView()
}

function currentView(): View {
  const name = location.hash.replace(/^#\/?/, '')
  return (VIEWS as readonly string[]).includes(name) ? (name as View) : 'jssdk'
}

function showView(): void {
  const view = currentView()
  for (const section of document.querySelectorAll<HTMLElement>('[data-view]')) {
    section.hidden = section.dataset.view !== view
  }
  for (const item of document.querySelectorAll<HTMLElement>('[data-route]')) {
    const on = item.dataset.route === view
    item.classList.toggle('weui-bar__item_on', on)
    if (on) item.setAttribute('aria-current', 'page')
    else item.removeAttribute('aria-current')
  }
}
