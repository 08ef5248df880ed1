-- The request side of bench/lib/load.ts, run by wrk: each request takes the next line of
-- WRK_BODIES (one JSON body per line) when it is set, and the summary is one JSON line.
local bodies = {}
local file = os.getenv("WRK_BODIES")
if file then
  for line in io.lines(file) do bodies[#bodies + 1] = line end
end
wrk.method = os.getenv("WRK_METHOD") or "GET"
local next_body = 0

request = function()
  if #bodies == 0 then return wrk.format() end
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

done = function(summary, latency)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"failed":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
