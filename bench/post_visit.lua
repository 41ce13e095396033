-- wrk script: POST a new visit with a fresh client_id each time; counts statuses.
local counter = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  statuses = {}
end

local function uuid4()
  local t = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (t:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function request()
  counter = counter + 1
  local body = string.format(
    '{"client_id":"%s","community_code":"%s","visited_at":"2022-05-16T10:30:00+08:00",' ..
    '"latitude":39.9096,"longitude":116.3776,"accuracy_m":20,' ..
    '"fix_at":"2022-05-16T10:29:00+08:00","purpose":"routine","notes":"bench",' ..
    '"people_met":2,"new_registrations":1}',
    uuid4(), os.getenv("COMMUNITY") or "110102001004")
  return wrk.format("POST", nil, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("STATUS %d %d\n", code, n)) end
end
