import type { DeliveredCustomerMessage } from './customer-service.js'
import type { DeliveredSubscribeMessage } from './subscriptions.js'
import type { DeliveredTemplateMessage } from './template-messages.js'

/** A message the emulator delivered to a user, as `messages()` lists it; `kind` tells which API sent it. */
export type DeliveredMessage = DeliveredSubscribeMessage | DeliveredTemplateMessage | DeliveredCustomerMessage
