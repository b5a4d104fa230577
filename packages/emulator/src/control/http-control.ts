import { Hono } from 'hono'
import { guardControlCalls } from './control-guard.js'
import { CONTROL_METHODS, type EmulatorControl } from './emulator-control.js'

/**
 * `POST /__wxkit/<method>` for every control method: the JSON body is the method's argument (empty for
 * none; `advanceClock` takes a number or `{ "ms": n }`), the answer is the method's result as JSON (`null`
 * for methods that return nothing). A rejected call answers HTTP 400 `{ "error": message }`. Calls from
 * web pages are refused and a body must be JSON (see {@link guardControlCalls}).
 */
export function createControlRoutes(control: EmulatorControl): Hono {
  const app = new Hono()
  const guard = guardControlCalls()
  for (const method of CONTROL_METHODS) {
    app.post(`/${method}`, guard, async (c) => {
      const text = await c.req.text()
      let argument: unknown
      try {
        argument = text.trim() === '' ? undefined : JSON.parse(text)
      } catch {
        return c.json({ error: `@wxkit/emulator: the body of ${method} must be JSON` }, 400)
      }
      if (method === 'advanceClock' && argument !== null && typeof argument === 'object') {
        argument = (argument as { ms?: unknown }).ms
      }
      try {
        const call = control[method] as (arg: unknown) => Promise<unknown>
        const result = await call(argument)
        return c.json((result ?? null) as object)
      } catch (error) {
        return c.json({ error: error instanceof Error ? error.message : String(error) }, 400)
      }
    })
  }
  return app
}
