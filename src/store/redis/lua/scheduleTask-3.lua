--[[
  Schedules a task of a queue. `if-absent` changes nothing when the task exists (scheduled or
  claimed); `replace` sets its time and payload and ends its lease, if any.

  KEYS[1] task hash        <p>{tq:<queue>}:t:<id>   fields d (dueAt), p (payload)
  KEYS[2] due              <p>{tq:<queue>}:due      zset, member id, score dueAt
  KEYS[3] leases           <p>{tq:<queue>}:leases   zset, member id, score lease expiry

  ARGV[1] id   ARGV[2] dueAt (epoch ms)   ARGV[3] payload   ARGV[4] mode (if-absent | replace)

  Returns 1 when scheduled, 0 when `if-absent` found the task.
]]
local id, dueAt, payload, mode = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if mode == 'if-absent' and redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'd', dueAt, 'p', payload)
redis.call('ZREM', KEYS[3], id)
redis.call('ZADD', KEYS[2], dueAt, id)
return 1
