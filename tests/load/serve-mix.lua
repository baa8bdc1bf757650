-- wrk script for tests/load/serve-load.sh: a gallery's traffic with hostile requests mixed in, in a fixed rotation.
-- Each connection cycles through the list below; the summary counts replies by status so the hostile share can be
-- checked (400 and 403 expected, never 5xx, 408 or a socket error).
local port = os.getenv("PORT")
local own = "127.0.0.1:" .. port
local file = assert(io.open(os.getenv("SIGNED"), "rb"))
local signed = file:read("*a")
file:close()

local rotation = {
  wrk.format("GET", "/", { Host = own }),                                                        -- the page
  wrk.format("GET", "/", { Host = "localhost:" .. port }),                                       -- the page, on localhost
  wrk.format("POST", "/verify?name=signed.jpg", { Host = own, Origin = "http://" .. own }, signed), -- a real check
  wrk.format("POST", "/verify?name=notes.txt", { Host = own }, "not an image"),                   -- an error verdict
  wrk.format("POST", "/verify?name=%00", { Host = own }, "hello"),                               -- hostile: NUL name (400)
  wrk.format("POST", "/verify?name=a.jpg", { Host = own, Origin = "http://evil.example" }, signed), -- hostile: other site (403)
  wrk.format("GET", "/", { Host = "rebound.example:" .. port }),                                  -- hostile: DNS rebinding (403)
  wrk.format("POST", "/verify?name=..%2F..%2Fetc%2Fpasswd", { Host = own }, "x"),                  -- hostile: traversal (200, name cleaned)
}

local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

local position = 0
function init(args)
  position = id or 0
end

function request()
  position = position % #rotation + 1
  return rotation[position]
end

statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
  end
  local keys = {}
  for status in pairs(total) do table.insert(keys, status) end
  table.sort(keys)
  io.write("replies by status:")
  for _, status in ipairs(keys) do io.write(string.format(" %d=%d", status, total[status])) end
  io.write("\n")
  local e = summary.errors
  io.write(string.format("socket errors: connect=%d read=%d write=%d timeout=%d; latency p50=%.1f ms p99=%.1f ms max=%.1f ms\n",
    e.connect, e.read, e.write, e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
