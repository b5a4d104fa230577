/**
 * The one Official Account every push contender serves in figure 6: the same Token, EncodingAESKey, AppID
 * and path, and the reply every implementation must give to a text message.
 */
export const PUSH_APP = Object.freeze({
  token: 'benchPushToken42',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wx5c0a0e1a7e57bench',
  /** The account's original id (`ToUserName` of every push). */
  account: 'gh_0123456789ab',
})

/** Where each contender is mounted on Express. */
export const PUSH_PATH = '/wechat/messages'

/** The text reply a handler gives to `content`: the same in every implementation, checked on the wire. */
export const replyText = (content: string) => `You said: ${content}`
