/**
 * Compare-and-delete: remove the lock key only while it still holds our owner token.
 *
 * A plain `DEL` after a slow refresh could delete a lock that expired and was since taken by another
 * process; comparing the owner inside one script makes the check and the delete atomic.
 * Returns 1 when the key was ours and is now gone, 0 otherwise.
 */
export const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
else
  return 0
end`
