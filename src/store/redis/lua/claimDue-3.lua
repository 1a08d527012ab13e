--[[
  Hands out due timers, each to exactly one caller, leased until now + leaseMs.

  First re-queues at most `limit` expired leases (their claimant died) at their original fire
  time, then takes at most `limit` timers with fire time <= now, soonest first, and leases them.
  Cost is proportional to what is due and expired, never to what is open.

  KEYS[1] timers               <p>{dl}:timers        zset, member <id>|<phase>, score fire time
  KEYS[2] leases               <p>{dl}:leases        zset, same members, score lease expiry
  KEYS[3] deadline key prefix  <p>{dl}:d:            the script appends the id

  ARGV[1] now (epoch ms)   ARGV[2] limit (> 0)   ARGV[3] leaseMs

  Returns {{id, phase, {deadline hash as flat field/value array}}, ...} in fire-time order.
]]
local timers, leases, deadlinePrefix = KEYS[1], KEYS[2], KEYS[3]
local now, limit = ARGV[1], tonumber(ARGV[2])
local leasedUntil = string.format('%.17g', tonumber(now) + tonumber(ARGV[3]))

local function split(member)
  return string.match(member, '^(.*)|(%a+)$')
end

local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, limit)
for _, member in ipairs(expired) do
  redis.call('ZREM', leases, member)
  local id, phase = split(member)
  local at = redis.call('HGET', deadlinePrefix .. id, phase == 'warn' and 'w' or 'd')
  if at then
    redis.call('ZADD', timers, at, member)
  end
end

local claimed = {}
local due = redis.call('ZRANGEBYSCORE', timers, '-inf', now, 'LIMIT', 0, limit)
for _, member in ipairs(due) do
  redis.call('ZREM', timers, member)
  local id, phase = split(member)
  local deadline = redis.call('HGETALL', deadlinePrefix .. id)
  local status
  for i = 1, #deadline, 2 do
    if deadline[i] == 's' then
      status = deadline[i + 1]
    end
  end
  -- Closing removes timers in the same script, so a timer of a closed deadline is an orphan.
  if status == 'open' then
    redis.call('ZADD', leases, leasedUntil, member)
    claimed[#claimed + 1] = {id, phase, deadline}
  end
end
return claimed
