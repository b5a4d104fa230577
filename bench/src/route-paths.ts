/** The page origin the route signs for, and the request path the load generator hits. */
export const PAGE_ORIGIN = 'https://example.com'
export const ROUTE = `/wechat/jssdk/config?url=${encodeURIComponent(`${PAGE_ORIGIN}/shop/item?id=42#/detail`)}`
