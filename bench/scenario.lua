-- wrk script of the benchmark: wrk -t N -c N (one connection per thread, so each
-- connection has its own Lua state and its own browser session).
--
-- wrk ... -s scenario.lua URL -- MODE SESSIONS TOKENS TAG SECONDS CONNECTIONS RESULTS
--   MODE      sign | confirm | hello
--   SESSIONS  file of "cookie<TAB>csrf_token" lines, line i for connection i
--   TOKENS    file of confirmation tokens (confirm only), dealt round-robin
--   TAG       number of this run: sign uses it to make every signatory new
--   SECONDS   how long each connection measures
--   RESULTS   folder where each connection writes its result file when done
--
-- A connection measures until its first answer past SECONDS (or until it has no token
-- left), writes RESULTS/<number> (counts, then one latency in microseconds a line) and
-- from then on only fetches a static file, which changes nothing. bench/wrk.py ends wrk
-- with SIGINT once every result is written: whatever wrk drops in flight then is such a
-- GET, so every POST sent was answered and the database can be checked against the
-- answers. (Stopping a wrk thread instead would leave the fresh connection wrk opens
-- after a "Connection: close" answer idle, and an idle connection holds a gunicorn sync
-- worker until it is closed.) wrk's own statistics are not used.
--
-- The signatories are those of bench/client.py:sign_body; keep the two in step.

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]])
local timespec = ffi.new("bench_timespec")

local function clock_us() -- CLOCK_MONOTONIC, as Python's time.monotonic()
  ffi.C.clock_gettime(1, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

local ALPHABET = "abcdefghijklmnopqrstuvwxyz"
local SIGN_PATH = "/initiatives/more-trees-in-our-streets/sign"

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

-- The main Lua state numbers the threads.
local thread_count = 0

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

-- Each thread's Lua state.
local mode, tag, seconds_us, csrf, family, tokens, results
local post_headers, after_path
local expected = 303
local serial, next_token = 0, 1
local measuring, pending_since, deadline, t_start = true, nil, nil, nil
local sent, received, ok, exhausted = 0, 0, 0, 0
local statuses, latencies = {}, {}

function init(args)
  mode, tag = args[1], tonumber(args[4])
  seconds_us = tonumber(args[5]) * 1000000
  local connections = tonumber(args[6])
  results = args[7]
  local cookie
  cookie, csrf = lines_of(args[2])[id + 1]:match("^([^\t]+)\t(.+)$")
  -- wrk.format() uses the headers it is given instead of wrk.headers, not with them.
  post_headers = {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  family = letters(tag * 1000 + id)
  after_path = "/static/style.css"
  if mode == "hello" then
    expected, after_path = 200, "/"
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
    .. "&birth_date-day=1&birth_date-month=1&birth_date-year=1980&street=Rue+Haute&house_number=10&box=&postcode=1000"
    .. "&email=s" .. family .. "." .. given .. "%40example.be"
    .. "&language=fr&consent=y"
  return wrk.format("POST", SIGN_PATH, post_headers, body)
end

local function confirm_request()
  local token = tokens[next_token]
  next_token = next_token + 1
  return wrk.format("POST", "/confirm/" .. token, post_headers, "csrf_token=" .. encode(csrf))
end

local checked = false

function request()
  if not measuring then
    return wrk.format("GET", after_path)
  end
  if id == 0 and not checked then
    -- wrk 4 asks thread 0 for one request before the run, to check the script; that
    -- one is never sent: count nothing and use up nothing.
    checked = true
    return wrk.format("GET", after_path)
  end
  pending_since = clock_us()
  if t_start == nil then
    t_start = pending_since
    deadline = t_start + seconds_us
  end
  sent = sent + 1
  if mode == "sign" then
    return sign_request()
  elseif mode == "confirm" then
    return confirm_request()
  end
  return wrk.format("GET", "/")
end

local function write_result(now)
  local lines = {
    string.format(
      "id=%d start=%d stop=%d sent=%d received=%d ok=%d exhausted=%d",
      id, t_start, now, sent, received, ok, exhausted
    ),
  }
  local codes = {}
  for code, count in pairs(statuses) do
    table.insert(codes, code .. "=" .. count)
  end
  table.insert(lines, "statuses " .. table.concat(codes, " "))
  for _, value in ipairs(latencies) do
    table.insert(lines, tostring(value))
  end
  local path = results .. "/" .. id
  local file = assert(io.open(path .. ".tmp", "w"))
  file:write(table.concat(lines, "\n"), "\n")
  file:close()
  assert(os.rename(path .. ".tmp", path))
end

function response(status, headers, body)
  if not measuring then
    return
  end
  local now = clock_us()
  received = received + 1
  table.insert(latencies, now - pending_since)
  if status == expected then
    ok = ok + 1
  end
  local code = tostring(status)
  statuses[code] = (statuses[code] or 0) + 1
  if mode == "confirm" and next_token > #tokens then
    exhausted = 1
  end
  if now >= deadline or exhausted == 1 then
    measuring = false
    write_result(now)
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH-ERRORS connect=%d read=%d write=%d timeout=%d\n",
    e.connect, e.read, e.write, e.timeout
  ))
end
