import type { EmulatorState } from '../state/emulator-state.js'
import { completeMessage } from './push-message.js'
import type { PushedMessage, PushResult } from './push-options.js'

/** The fields of an Official Account event besides the envelope (§9.5), e.g. `{ Event: 'CLICK', EventKey }`. */
export type OfficialAccountEventFields = { Event: string } & Record<string, string | number>

/** What became of an event the emulator generated for a control call. */
export interface EventPushOutcome {
  /** The event as WeChat sends it: `ToUserName`, `FromUserName`, `CreateTime`, `MsgType: 'event'`, … */
  event: PushedMessage
  /**
   * The delivery to the app's push URL, as `pushMessage()` reports it (attempts, the parsed reply, the
   * user notice). Absent when no push URL is configured (`configurePush`): then nothing was sent.
   */
  result?: PushResult
}

/**
 * Push the event `fields` from `openid` to `appId`'s configured server (see `PushService.emit`) and wait
 * for the delivery, so a control call can show the server's reply. Never rejects.
 */
export async function pushOfficialAccountEvent(
  state: EmulatorState,
  appId: string,
  openid: string,
  fields: OfficialAccountEventFields,
): Promise<EventPushOutcome> {
  const message = {
    MsgType: 'event',
    FromUserName: openid,
    CreateTime: Math.floor(state.now() / 1000),
    ...fields,
  }
  const result = await state.push.emit(appId, message)
  if (result) return { event: result.message, result }
  return { event: completeMessage(message, { appid: appId, openid, nowMs: state.now() }, 'event') }
}
