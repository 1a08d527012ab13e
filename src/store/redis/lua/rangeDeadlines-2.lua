--[[
  Reads the deadlines of an index (a status or an order) in index order, in one snapshot, so a
  deadline never shows up under a status it has already left.

  KEYS[1] index                <p>{dl}:s:<status> or <p>{dl}:o:<orderId>   zset, score dueAt
  KEYS[2] deadline key prefix  <p>{dl}:d:

  ARGV[1] limit, or 0 for all

  Returns {{id, {deadline hash as flat field/value array}}, ...}, soonest due first.
]]
local limit = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', KEYS[1], 0, limit > 0 and limit - 1 or -1)
local out = {}
for _, id in ipairs(ids) do
  local deadline = redis.call('HGETALL', KEYS[2] .. id)
  if #deadline > 0 then
    out[#out + 1] = {id, deadline}
  end
end
return out
