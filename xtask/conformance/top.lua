-- wrk script of the soak's first phase: valid API requests only, as fast as
-- the sandbox answers them (pages of every size and requests by ids), each
-- with a fresh X-Date. Any status but 200 is unexpected.
local path = "/koodrive/ose/v1/space/usage/user"
local n = 0

function request()
  n = n + 1
  local body
  if n % 2 == 0 then
    body = string.format('{"limit":%d,"offset":%d}', 1 + n % 100, (n * 7) % 2000)
  else
    body = '{"userIds":["1","2","1008600000509220652","34343434"]}'
  end
  local headers = {
    ["Authorization"] = "Bearer sandbox-token",
    ["X-User-Id"] = "1505084218764547200",
    ["X-Date"] = os.date("!%Y%m%dT%H%M%SZ", os.time() - 1),
    ["Content-Type"] = "application/json",
  }
  return wrk.format("POST", path, headers, body)
end
