-- bench/confirm.lua -- scenarios "confirm" and "confirm_rush": POST
-- /confirm/TOKEN, each request a different pending registration that
-- http.sh made beforehand with known link tokens (md5 of "bench-N": 32 hex
-- digits, like a real token), so every request claims a place or joins
-- the waiting list.
--
-- Environment (set by http.sh):
--   BENCH_CSRF_COOKIE, BENCH_CSRF_TOKEN  a valid cookie/token pair
--   BENCH_TOKENS  file with one token per line
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
count_statuses()

local cookie = os.getenv("BENCH_CSRF_COOKIE")
local csrf = os.getenv("BENCH_CSRF_TOKEN")
local headers = {
	["Content-Type"] = "application/x-www-form-urlencoded",
	["Cookie"] = "summit_csrf=" .. cookie,
}
local body = "_csrf=" .. csrf
local tokens, next_i, step

function init(args)
	-- Thread tid (1-based, from report.lua's setup) takes every
	-- nthreads-th token, so no two requests confirm the same person.
	tokens = {}
	for line in io.lines(os.getenv("BENCH_TOKENS")) do
		tokens[#tokens + 1] = line
	end
	step = tonumber(os.getenv("BENCH_WRK_THREADS") or "2")
	next_i = tid or 1
end

function request()
	local t = tokens[next_i]
	next_i = next_i + step
	if t == nil then
		-- Ran out: repeat the last (answered, but no longer a claim).
		t = tokens[#tokens]
	end
	return wrk.format("POST", "/confirm/" .. t, headers, body)
end
