import type { MenuButton } from '../rules/menu-rules.js'

/** An app's current custom menu. */
export interface MenuRecord {
  /** A new id per `menu/create`, sent as `MenuId` with `VIEW` events. */
  menuId: number
  buttons: MenuButton[]
}

/** The custom menu of each app (one default menu; conditional menus are not emulated). */
export class MenuBook {
  readonly #menus = new Map<string, MenuRecord>()
  #created = 0

  /** Replace the menu of `appId`. */
  set(appId: string, buttons: MenuButton[]): MenuRecord {
    this.#created += 1
    const record = { menuId: 400_000_000 + this.#created, buttons: structuredClone(buttons) }
    this.#menus.set(appId, record)
    return record
  }

  /** The menu of `appId`, if one is set. */
  get(appId: string): MenuRecord | undefined {
    const record = this.#menus.get(appId)
    return record && structuredClone(record)
  }

  /** Remove the menu of `appId`. */
  delete(appId: string): void {
    this.#menus.delete(appId)
  }

  /**
   * The button of `appId`'s menu a user would tap: a `click` button with `key`, or a `view` button with
   * `url`.
   */
  findButton(appId: string, target: { key?: string; url?: string }): MenuButton | undefined {
    const record = this.#menus.get(appId)
    if (!record) return undefined
    const leaves = record.buttons.flatMap((button) => button.sub_button ?? [button])
    return leaves.find((button) =>
      target.key !== undefined
        ? button.type === 'click' && button.key === target.key
        : button.type === 'view' && button.url === target.url,
    )
  }

  /** Forget every menu. */
  clear(): void {
    this.#menus.clear()
  }
}
