-- Strings: building with .. and table.concat, string.format, gsub with patterns and
-- functions, find/match/gmatch, upper/lower/rep/sub, tostring/tonumber.
local parts = {}
for i = 1, 60000 do parts[#parts + 1] = string.format("item%05d=%d;", i, (i * 7919) % 10007) end
local text = table.concat(parts)
print("len", #text)

local total = 0
for k, v in text:gmatch("item(%d+)=(%d+);") do total = total + tonumber(k) + tonumber(v) end
print("gmatch", total)

local replaced, n = text:gsub("item(%d%d)(%d+)", function(a, b) return a .. "_" .. b:upper() end)
print("gsub", n, #replaced, replaced:sub(1, 40))
local vowels = select(2, text:gsub("[aeiou]", "%0%0"))
print("vowels", vowels)

local lines = {}
for i = 1, 24000 do
  lines[i] = ("The quick brown fox %d jumps over the lazy dog %d"):format(i, i * 3)
end
local doc = table.concat(lines, "\n")
local caps, words = 0, 0
for line in doc:gmatch("[^\n]+") do
  local up = line:upper()
  if up:find("FOX", 1, true) then caps = caps + 1 end
  for w in line:gmatch("%a+") do words = words + #w end
end
print("doc", caps, words, #doc:lower(), doc:find("fox 23999"))

local s = ""
for i = 1, 3000 do s = s .. tostring(i % 10) end
print("concat", #s, s:sub(-10), s:rep(3, ","):len())

local csv = {}
for i = 1, 20000 do csv[i] = table.concat({i, "name" .. i, i * 1.5, i % 2 == 0 and "yes" or "no"}, ",") end
local sumf = 0
for _, row in ipairs(csv) do
  local a, b, c, d = row:match("^(%d+),([^,]+),([^,]+),(%a+)$")
  sumf = sumf + tonumber(a) + tonumber(c) + #b + (d == "yes" and 1 or 0)
end
print("csv", sumf)
