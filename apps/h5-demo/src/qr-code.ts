import { byTestId, element } from './dom.js'

/** The scene rule of `wxa/getwxacodeunlimit`, checked here too so mistakes show before a round trip. */
const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

let objectUrl: string | undefined

/** Wires the Mini Program code form to `GET /demo/qrcode`. */
export function setUpQrCode(): void {
  element<HTMLFormElement>('#qrcode-form').addEventListener('submit', (event) => {
    event.preventDefault()
    void makeCode()
  })
}

async function makeCode(): Promise<void> {
  const scene = byTestId<HTMLInputElement>('scene-input').value.trim()
  const button = byTestId<HTMLButtonElement>('qrcode-button')
  const error = byTestId('qrcode-error')
  const figure = element('.demo-qrcode')
  error.hidden = true
  if (!SCENE_PATTERN.test(scene)) {
    showError(
      "The scene must be 1 to 32 characters from 0-9 A-Z a-z !#$&'()*+,/:;=?@-._~ (no Chinese, no %).",
    )
    return
  }
  button.classList.add('weui-btn_loading')
  button.disabled = true
  try {
    const response = await fetch(`/demo/qrcode?scene=${encodeURIComponent(scene)}`, { cache: 'no-store' })
    if (!response.ok) {
      const body = (await response.json().catch(() => undefined)) as
        | { error?: { message?: string } }
        | undefined
      showError(body?.error?.message ?? `The server answered HTTP ${response.status}.`)
      return
    }
    if (objectUrl !== undefined) URL.revokeObjectURL(objectUrl)
    objectUrl = URL.createObjectURL(await response.blob())
    const image = byTestId<HTMLImageElement>('qrcode-image')
    image.src = objectUrl
    byTestId('qrcode-caption').textContent = `scene=${scene}`
    figure.hidden = false
  } catch {
    showError('The server could not be reached.')
  } finally {
    button.classList.remove('weui-btn_loading')
    button.disabled = false
  }

  function showError(message: string): void {
    figure.hidden = true
    error.textContent = message
    error.hidden = false
  }
}
