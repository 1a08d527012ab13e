--[[
  Moves an open deadline to met or cancelled and removes both its timers, claimed or not
  (a claimant's later completeTimer then finds nothing to complete).

  KEYS[1] deadline hash        <p>{dl}:d:<id>
  KEYS[2] open index           <p>{dl}:s:open
  KEYS[3] target index         <p>{dl}:s:met or <p>{dl}:s:cancelled
  KEYS[4] timers               <p>{dl}:timers
  KEYS[5] leases               <p>{dl}:leases

  ARGV[1] id   ARGV[2] status (met | cancelled)   ARGV[3] at   ARGV[4] by
  ARGV[5] reason, '' when none

  Returns the updated hash as a flat field/value array, or nil when the deadline was not open.
]]
if redis.call('HGET', KEYS[1], 's') ~= 'open' then
  return false
end
local id = ARGV[1]
local fields = {'s', ARGV[2], 'ca', ARGV[3], 'cb', ARGV[4]}
if ARGV[5] ~= '' then
  fields[#fields + 1] = 're'
  fields[#fields + 1] = ARGV[5]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZREM', KEYS[2], id)
redis.call('ZADD', KEYS[3], redis.call('HGET', KEYS[1], 'd'), id)
redis.call('ZREM', KEYS[4], id .. '|warn', id .. '|due')
redis.call('ZREM', KEYS[5], id .. '|warn', id .. '|due')
return redis.call('HGETALL', KEYS[1])
