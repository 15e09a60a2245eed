-- wrk script of the soak's second phase: a mix of good and bad API requests
-- while faults are staged again and again (503, 429 with Retry-After,
-- garbage, apiError, delays, dropped connections, short outages). Counts
-- every status and prints them as `status N COUNT` lines at the end.
local path = "/koodrive/ose/v1/space/usage/user"
local faults = '[{"kind":"status","status":503,"count":20},'
  .. '{"kind":"status","status":429,"retryAfterSecs":1,"count":20},'
  .. '{"kind":"garbage","count":20},'
  .. '{"kind":"apiError","code":13000301,"msg":"Space not found.","count":20},'
  .. '{"kind":"status","status":502,"body":"<h1>502 Bad Gateway</h1>","contentType":"text/html","count":20},'
  .. '{"kind":"delay","delayMs":20,"count":20},'
  .. '{"kind":"drop","count":5},'
  .. '{"kind":"down","durationMs":50}]'
local threads = {}
local n = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

local function api(token, body, method)
  local headers = {
    ["Authorization"] = "Bearer " .. token,
    ["X-User-Id"] = "1505084218764547200",
    ["X-Date"] = os.date("!%Y%m%dT%H%M%SZ", os.time() - 1),
    ["Content-Type"] = "application/json",
  }
  return wrk.format(method or "POST", path, headers, body)
end

function request()
  n = n + 1
  local k = n % 20
  if n % 400 == 1 then
    return wrk.format("POST", "/__sandbox/faults", { ["Content-Type"] = "application/json" }, faults)
  elseif k == 1 then
    return api("wrong-token", "{}")
  elseif k == 2 then
    return api("sandbox-token", '{"limit":0}')
  elseif k == 3 then
    return api("sandbox-token", "", "GET")
  elseif k == 4 then
    return wrk.format("GET", "/__sandbox/stats")
  end
  return api("sandbox-token", string.format('{"limit":%d,"offset":%d}', 1 + n % 100, n % 2000))
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
