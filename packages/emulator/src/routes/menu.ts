import { Hono } from 'hono'
import { WechatApiFailure } from '../errors.js'
import { requireAccessToken } from '../http/access-token.js'
import { readJsonBody } from '../http/json-body.js'
import { wechatJson, wechatOk } from '../http/wechat-json.js'
import { type MenuButton, parseMenu } from '../rules/menu-rules.js'
import type { EmulatorState } from '../state/emulator-state.js'

/**
 * The custom menu (§15.4): `POST /cgi-bin/menu/create` (validated by {@link parseMenu}), `GET
 * /cgi-bin/menu/get` (`{menu: {button, menuid}}` with `sub_button: []` on every leaf, as WeChat writes it;
 * no menu 46003), `GET /cgi-bin/get_current_selfmenu_info` (`{is_menu_open, selfmenu_info}` with
 * `sub_button: {list}`; no menu `{is_menu_open: 0}`) and `GET /cgi-bin/menu/delete`.
 */
export function createMenuRoutes(state: EmulatorState): Hono {
  const app = new Hono()

  app.all('/cgi-bin/menu/create', async (c) => {
    const token = requireAccessToken(c, state)
    state.menus.set(token.appId, parseMenu(await readJsonBody(c)))
    return wechatOk(c)
  })

  app.all('/cgi-bin/menu/get', (c) => {
    const token = requireAccessToken(c, state)
    const menu = state.menus.get(token.appId)
    if (!menu) throw new WechatApiFailure(46003)
    const withSubs = (button: MenuButton): MenuButton => ({
      ...button,
      sub_button: (button.sub_button ?? []).map(withSubs),
    })
    return wechatJson(c, { menu: { button: menu.buttons.map(withSubs), menuid: menu.menuId } })
  })

  app.all('/cgi-bin/get_current_selfmenu_info', (c) => {
    const token = requireAccessToken(c, state)
    const menu = state.menus.get(token.appId)
    if (!menu) return wechatJson(c, { is_menu_open: 0 })
    const button = menu.buttons.map(({ sub_button, ...rest }) =>
      sub_button ? { ...rest, sub_button: { list: sub_button } } : rest,
    )
    return wechatJson(c, { is_menu_open: 1, selfmenu_info: { button } })
  })

  app.all('/cgi-bin/menu/delete', (c) => {
    const token = requireAccessToken(c, state)
    state.menus.delete(token.appId)
    return wechatOk(c)
  })

  return app
}
