--[[
  Removes a task, scheduled or claimed. Idempotent.

  KEYS[1] task hash   <p>{tq:<queue>}:t:<id>
  KEYS[2] due         <p>{tq:<queue>}:due
  KEYS[3] leases      <p>{tq:<queue>}:leases

  ARGV[1] id

  Returns 1 when a task was removed, 0 when there was none.
]]
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
return removed
