--[[
  Opens a deadline, unless one with this id exists in any status (replays change nothing).

  KEYS[1] deadline hash        <p>{dl}:d:<id>
  KEYS[2] open index           <p>{dl}:s:open        zset, score dueAt
  KEYS[3] timers               <p>{dl}:timers        zset, member <id>|<phase>, score fire time
  KEYS[4] order index          <p>{dl}:o:<orderId>   zset, score dueAt

  ARGV[1] id         ARGV[2] orderId     ARGV[3] kind       ARGV[4] rule
  ARGV[5] openedAt   ARGV[6] dueAt       ARGV[7] warnAt, '' when none
  ARGV[8] context as JSON, '' when empty

  Returns 1 when opened, 0 when the id already existed.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local id, dueAt, warnAt = ARGV[1], ARGV[6], ARGV[7]
local fields = {'o', ARGV[2], 'k', ARGV[3], 'r', ARGV[4], 't', ARGV[5], 'd', dueAt, 's', 'open'}
if warnAt ~= '' then
  fields[#fields + 1] = 'w'
  fields[#fields + 1] = warnAt
  redis.call('ZADD', KEYS[3], warnAt, id .. '|warn')
end
if ARGV[8] ~= '' then
  fields[#fields + 1] = 'c'
  fields[#fields + 1] = ARGV[8]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[2], dueAt, id)
redis.call('ZADD', KEYS[3], dueAt, id .. '|due')
redis.call('ZADD', KEYS[4], dueAt, id)
return 1
