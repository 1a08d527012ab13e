--[[
  Hands out due tasks of one queue, each to exactly one caller, leased until now + leaseMs.

  First re-queues at most `limit` expired leases (their claimant died) at their scheduled time,
  then takes at most `limit` tasks due at `now`, soonest first, and leases them. Cost is
  proportional to what is due and expired, never to what is queued.

  KEYS[1] due              <p>{tq:<queue>}:due      zset, member id, score dueAt
  KEYS[2] leases           <p>{tq:<queue>}:leases   zset, member id, score lease expiry
  KEYS[3] task key prefix  <p>{tq:<queue>}:t:       the script appends the id

  ARGV[1] now (epoch ms)   ARGV[2] limit (> 0)   ARGV[3] leaseMs

  Returns {{id, dueAt, payload}, ...} in due order.
]]
local due, leases, taskPrefix = KEYS[1], KEYS[2], KEYS[3]
local now, limit = ARGV[1], tonumber(ARGV[2])
local leasedUntil = string.format('%.17g', tonumber(now) + tonumber(ARGV[3]))

for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', leases, id)
  local at = redis.call('HGET', taskPrefix .. id, 'd')
  if at then
    redis.call('ZADD', due, at, id)
  end
end

local claimed = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', due, '-inf', now, 'LIMIT', 0, limit)) do
  redis.call('ZREM', due, id)
  local task = redis.call('HMGET', taskPrefix .. id, 'd', 'p')
  -- Removing a task deletes its hash in the same script, so a member without one is an orphan.
  if task[1] then
    redis.call('ZADD', leases, leasedUntil, id)
    claimed[#claimed + 1] = {id, task[1], task[2]}
  end
end
return claimed
