-- bench/get.lua -- scenario 1: GET / (the event page), plain keep-alive.
dofile(os.getenv("BENCH_DIR") .. "/report.lua")

wrk.method = "GET"
wrk.path = os.getenv("BENCH_PATH") or "/"
wrk.headers["Accept-Language"] = "nb"
