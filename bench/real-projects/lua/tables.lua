-- Tables: array fill and churn, hash tables with string and integer keys, table.insert /
-- table.remove, table.sort with a comparator, and a sieve. Deterministic: a fixed LCG.
local seed = 42
local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end

local N = 200000
local primes, sieve = 0, {}
for i = 2, N do sieve[i] = true end
for i = 2, N do
  if sieve[i] then primes = primes + 1; for j = i * i, N, i do sieve[j] = false end end
end
print("primes", primes)

local words = {}
for i = 1, 20000 do words[i] = "k" .. rnd(5000) end
local freq = {}
for round = 1, 5 do
  for i = 1, #words do local w = words[i]; freq[w] = (freq[w] or 0) + 1 end
end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys, function(a, b) if freq[a] ~= freq[b] then return freq[a] > freq[b] end return a < b end)
print("words", #keys, keys[1], freq[keys[1]], keys[#keys])

local arr = {}
for i = 1, 60000 do arr[i] = rnd(1000000) end
table.sort(arr)
print("sorted", arr[1], arr[30000], arr[#arr])

local q, acc = {}, 0
for i = 1, 60000 do
  table.insert(q, i)
  if i % 3 == 0 then acc = acc + table.remove(q) end
  if #q > 500 then acc = acc + table.remove(q, 1) end
end
print("queue", #q, acc)

local grid = {}
for y = 1, 200 do local row = {} for x = 1, 200 do row[x] = (x * y) % 10 end grid[y] = row end
local life = 0
for step = 1, 4 do
  local nxt = {}
  for y = 1, 200 do
    local row, up, down, nrow = grid[y], grid[y - 1], grid[y + 1], {}
    for x = 1, 200 do
      local s = (row[x - 1] or 0) + (row[x + 1] or 0) + (up and up[x] or 0) + (down and down[x] or 0)
      nrow[x] = s % 10
      life = life + nrow[x]
    end
    nxt[y] = nrow
  end
  grid = nxt
end
print("grid", life)
