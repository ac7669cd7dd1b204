-- bench/register.lua -- scenarios 2 and 3: POST /register, every request
-- with an e-mail no other request uses (run tag + wrk thread id + random
-- per-thread prefix + counter).
--
-- Environment (set by http.sh):
--   BENCH_CSRF_COOKIE, BENCH_CSRF_TOKEN  a valid cookie/token pair
--   BENCH_RUN    a tag unique to this run
--   BENCH_HOT    "1": everyone ranks session 1 first (scenario 3);
--                otherwise rank1..rank3 spread over the 12 sessions
--   BENCH_SESSIONS  number of sessions (default 12)
dofile(os.getenv("BENCH_DIR") .. "/report.lua")
count_statuses()

local cookie = os.getenv("BENCH_CSRF_COOKIE")
local token = os.getenv("BENCH_CSRF_TOKEN")
local run = os.getenv("BENCH_RUN") or "r"
local hot = os.getenv("BENCH_HOT") == "1"
local nsess = tonumber(os.getenv("BENCH_SESSIONS") or "12")
local sectors = { "business", "academia", "union", "government", "other" }

local headers = {
	["Content-Type"] = "application/x-www-form-urlencoded",
	["Cookie"] = "summit_csrf=" .. cookie,
	["Accept-Language"] = "nb",
}

local prefix, counter

function init(args)
	-- tid comes from setup() in report.lua.
	math.randomseed(os.time() * 1000 + (tid or 0) * 7919 + os.clock() * 1e6)
	prefix = string.format("%s-t%d-%06x", run, tid or 0,
	    math.random(0, 0xffffff))
	counter = 0
end

-- Three distinct sessions from 1..nsess, moving with n (LuaJIT: no //).
local floor = math.floor
local function ranks(n)
	local a, b, c
	if hot then
		local m = nsess - 1			-- sessions 2..nsess
		a = 1
		b = 2 + n % m
		c = 2 + (b - 2 + 1 + floor(n / m) % (m - 1)) % m
	else
		local d1 = 1 + floor(n / nsess) % (nsess - 1)
		local d2 = 1 + (d1 + floor(n / (nsess * (nsess - 1))) % (nsess - 2)) % (nsess - 1)
		a = 1 + n % nsess
		b = 1 + (a - 1 + d1) % nsess
		c = 1 + (a - 1 + d2) % nsess
	end
	return a, b, c
end

function request()
	counter = counter + 1
	local n = counter + (tid or 0) * 5
	local r1, r2, r3 = ranks(n)
	local body = "_csrf=" .. token ..
	    "&name=Bench+" .. counter ..
	    "&email=" .. prefix .. "-" .. counter .. "%40bench.example.org" ..
	    "&organisation=Org+" .. (counter % 97) ..
	    "&sector=" .. sectors[1 + counter % #sectors] ..
	    "&role=Tester&needs=&language=" .. (counter % 2 == 0 and "nb" or "en") ..
	    "&consent=yes" ..
	    "&rank1=" .. r1 .. "&rank2=" .. r2 .. "&rank3=" .. r3
	return wrk.format("POST", "/register", headers, body)
end
