-- wrk script of the benchmark: wrk -t N -c N (one connection per thread, so each
-- connection has its own Lua state and its own browser session).
--
-- wrk ... -s scenario.lua URL -- MODE SESSIONS TOKENS TAG SECONDS CONNECTIONS
--   MODE      sign | confirm | hello
--   SESSIONS  file of "cookie<TAB>csrf_token" lines, line i for connection i
--   TOKENS    file of confirmation tokens (confirm only), dealt round-robin
--   TAG       number of this run: sign uses it to make every signatory new
--   SECONDS   each connection stops after its response past this many seconds, so
--             nothing is in flight when wrk ends (wrk's -d is only a safety net)
--
-- The signatories are those of bench/client.py:sign_body; keep the two in step.

local ffi_ok, ffi = pcall(require, "ffi")
local clock = os.time
if ffi_ok then
  ffi.cdef([[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clk_id, bench_timespec *tp);
  ]])
  local spec = ffi.new("bench_timespec")
  clock = function()
    ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
    return tonumber(spec.tv_sec) + tonumber(spec.tv_nsec) * 1e-9
  end
end

local ALPHABET = "abcdefghijklmnopqrstuvwxyz"

local function letters(number)
  local text = ""
  repeat
    local digit = number % 26
    text = ALPHABET:sub(digit + 1, digit + 1) .. text
    number = (number - digit) / 26
  until number == 0
  return text
end

local function encode(value)
  return (value:gsub("[^%w%-%._~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function lines_of(path)
  local result = {}
  for line in io.lines(path) do
    if line ~= "" then
      table.insert(result, line)
    end
  end
  return result
end

-- The main Lua state: number the threads and keep them for done().
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Each thread's Lua state; done() reads these globals through thread:get().
local mode, tag, seconds, csrf, family, tokens
local serial, next_token = 0, 1
local deadline, post_headers
local expected = 303
sent, received, ok, statuses, exhausted = 0, 0, 0, {}, 0
t_start, t_stop = nil, nil

function init(args)
  mode, tag, seconds = args[1], tonumber(args[4]), tonumber(args[5])
  local connections = tonumber(args[6])
  local cookie
  cookie, csrf = lines_of(args[2])[id + 1]:match("^([^\t]+)\t(.+)$")
  -- wrk.format() uses the headers it is given instead of wrk.headers, not with them.
  post_headers = {
    ["Cookie"] = "session=" .. cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  family = letters(tag * 1000 + id)
  if mode == "hello" then
    expected = 200
  elseif mode == "confirm" then
    tokens = {}
    for index, token in ipairs(lines_of(args[3])) do
      if (index - 1) % connections == id then
        table.insert(tokens, token)
      end
    end
  end
end

local function sign_request()
  local given = letters(serial)
  serial = serial + 1
  local body = "csrf_token=" .. encode(csrf)
    .. "&surname=Banc" .. family
    .. "&first_names=Marie+" .. given
    .. "&birth_date=1980-01-01&street=Rue+Haute&house_number=10&box=&postcode=1000"
    .. "&email=s" .. family .. "." .. given .. "%40example.be"
    .. "&language=fr&consent=y"
  return wrk.format("POST", "/initiatives/more-trees-in-our-streets/sign", post_headers, body)
end

local function confirm_request()
  local token = tokens[next_token]
  next_token = next_token + 1
  return wrk.format("POST", "/confirm/" .. token, post_headers, "csrf_token=" .. encode(csrf))
end

function request()
  if t_start == nil then
    t_start = clock()
    deadline = t_start + seconds
  end
  sent = sent + 1
  if mode == "sign" then
    return sign_request()
  elseif mode == "confirm" then
    return confirm_request()
  end
  return wrk.format("GET", "/")
end

function response(status, headers, body)
  received = received + 1
  if status == expected then
    ok = ok + 1
  end
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local now = clock()
  if mode == "confirm" and next_token > #tokens then
    exhausted = 1
  end
  if now >= deadline or exhausted == 1 then
    t_stop = now
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  -- wrk calls request() once on thread 0 before the run to check it: not a request.
  local total = { sent = -1, received = 0, ok = 0, exhausted = 0 }
  local first, last, stopped = nil, nil, 0
  local all_statuses = {}
  for _, thread in ipairs(threads) do
    for _, name in ipairs({ "sent", "received", "ok", "exhausted" }) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
    local start, stop = thread:get("t_start"), thread:get("t_stop")
    if start and (first == nil or start < first) then first = start end
    if stop then
      stopped = stopped + 1
      if last == nil or stop > last then last = stop end
    end
    for code, count in pairs(thread:get("statuses") or {}) do
      all_statuses[code] = (all_statuses[code] or 0) + count
    end
  end
  local e = summary.errors
  local parts = {
    "BENCH-RESULT",
    "sent=" .. total.sent,
    "received=" .. total.received,
    "ok=" .. total.ok,
    "exhausted=" .. total.exhausted,
    "stopped=" .. stopped,
    "threads=" .. #threads,
    string.format("elapsed=%.6f", (first and last) and (last - first) or 0),
    string.format("p50_us=%d", latency:percentile(50.0)),
    string.format("p99_us=%d", latency:percentile(99.0)),
    "connect=" .. e.connect,
    "read=" .. e.read,
    "write=" .. e.write,
    "timeout=" .. e.timeout,
  }
  for code, count in pairs(all_statuses) do
    table.insert(parts, "s" .. code .. "=" .. count)
  end
  io.write(table.concat(parts, " ") .. "\n")
end
