-- wrk script of bench/load-test: the session cookie of the bench's user (VIDJIL_COOKIE), and the
-- answers counted by status, printed as "statuses: 200=N 502=M" at the end.
wrk.headers["Cookie"] = os.getenv("VIDJIL_COOKIE")
wrk.headers["Accept"] = "text/html,application/json"

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    counts = {}
end

function response(status, headers, body)
    counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, t in ipairs(threads) do
        local c = t:get("counts")
        for status, n in pairs(c) do
            total[status] = (total[status] or 0) + n
        end
    end
    local parts = {}
    for status, n in pairs(total) do
        table.insert(parts, status .. "=" .. n)
    end
    table.sort(parts)
    io.write("statuses: " .. table.concat(parts, " ") .. "\n")
end
