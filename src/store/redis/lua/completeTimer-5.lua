--[[
  Completes a timer that is still held (leased, or pending): `due` marks the deadline breached
  and drops its warn timer too; `warn` marks it warned. A second completion finds nothing.

  KEYS[1] deadline hash        <p>{dl}:d:<id>
  KEYS[2] timers               <p>{dl}:timers
  KEYS[3] leases               <p>{dl}:leases
  KEYS[4] open index           <p>{dl}:s:open
  KEYS[5] breached index       <p>{dl}:s:breached

  ARGV[1] id   ARGV[2] phase (warn | due)   ARGV[3] at (epoch ms)

  Returns 1 when completed, 0 when the timer was no longer held.
]]
local id, phase = ARGV[1], ARGV[2]
local member = id .. '|' .. phase
local held = redis.call('ZREM', KEYS[3], member) + redis.call('ZREM', KEYS[2], member)
if held == 0 or redis.call('HGET', KEYS[1], 's') ~= 'open' then
  return 0
end
if phase == 'due' then
  redis.call('HSET', KEYS[1], 's', 'breached', 'ca', ARGV[3])
  redis.call('ZREM', KEYS[2], id .. '|warn')
  redis.call('ZREM', KEYS[3], id .. '|warn')
  redis.call('ZREM', KEYS[4], id)
  redis.call('ZADD', KEYS[5], redis.call('HGET', KEYS[1], 'd'), id)
else
  redis.call('HSET', KEYS[1], 'wd', '1')
end
return 1
