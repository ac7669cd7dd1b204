-- bench/report.lua -- shared by the wrk scripts of bench/http.sh.
--
-- Counts response statuses per wrk thread (when a script asks for it) and,
-- when wrk is done, prints one machine-readable line for http.sh:
--   BENCH rps=<req/s> p50_ms=<> p99_ms=<> requests=<n> bad=<n> statuses=<code:n,...> sockerr=<n>
-- "bad" is the number of responses whose status is not BENCH_EXPECT (env,
-- default 200), plus socket errors (connect/read/write/timeout).

local threads = {}
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")

function setup(thread)
	thread:set("tid", #threads + 1)
	table.insert(threads, thread)
end

-- Per-thread status counts (only filled when count_statuses() was called:
-- a response() hook makes wrk parse every response, which costs a little).
statuses = {}

function count_statuses()
	response = function(status, headers, body)
		statuses[status] = (statuses[status] or 0) + 1
	end
end

function done(summary, latency, requests)
	local all = {}
	local counted = false
	for _, t in ipairs(threads) do
		local s = t:get("statuses")
		if s ~= nil then
			for code, n in pairs(s) do
				counted = true
				all[code] = (all[code] or 0) + n
			end
		end
	end
	local e = summary.errors
	local sockerr = e.connect + e.read + e.write + e.timeout
	local bad = sockerr
	local parts = {}
	if counted then
		local codes = {}
		for code in pairs(all) do table.insert(codes, code) end
		table.sort(codes)
		for _, code in ipairs(codes) do
			table.insert(parts, code .. ":" .. all[code])
			if code ~= expect then bad = bad + all[code] end
		end
	else
		-- Without a response() hook wrk only knows "status > 399".
		bad = bad + e.status
		table.insert(parts, "n/a")
	end
	local secs = summary.duration / 1e6
	io.write(string.format(
	    "BENCH rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d bad=%d statuses=%s sockerr=%d\n",
	    summary.requests / secs, latency:percentile(50) / 1000,
	    latency:percentile(99) / 1000, summary.requests, bad,
	    table.concat(parts, ","), sockerr))
end
