-- wrk script: POST /v1/messages at a fixed total rate (WRK_RATE requests/s spread over all
-- connections, via wrk's per-request delay()); prints p50/p99/max latency as JSON at the end.
-- Each request goes to its own destination. WRK_API_KEY is the bearer key.
local base = tonumber(os.getenv("WRK_DEST_BASE") or "4917000000000")
local key = os.getenv("WRK_API_KEY") or ""
local rate = tonumber(os.getenv("WRK_RATE") or "5000")
local conns = tonumber(os.getenv("WRK_CONNECTIONS") or "64")
local counter, threads = 0, 0
function setup(thread) thread:set("thread_no", threads); threads = threads + 1 end
function delay()
  -- each connection sends rate/conns requests per second
  return 1000 * conns / rate
end
function request()
  counter = counter + 1
  local to = '"+' .. string.format("%.0f", base + (thread_no or 0) * 10000000 + counter) .. '"'
  local body = '{"to":' .. to .. ',"text":"paced ' .. counter .. '","from":"Bench","category":"transactional"}'
  return wrk.format("POST", "/v1/messages", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end
function done(summary, latency, requests)
  io.write(string.format('{"requests":%d,"duration_s":%.3f,"rate":%.1f,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
