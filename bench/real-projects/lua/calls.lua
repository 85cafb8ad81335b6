-- Calls: recursive fib, closures (counters, map/filter/reduce), and OOP method calls
-- through metatables with inheritance. Deterministic: no time, no random.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({x = x, y = y}, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end
function Point:norm1() return math.abs(self.x) + math.abs(self.y) end
Point.__add = Point.add
Point.__eq = function(a, b) return a.x == b.x and a.y == b.y end

local Shape = {}
Shape.__index = Shape
function Shape.new(name) return setmetatable({name = name}, Shape) end
function Shape:area() return 0 end
function Shape:describe() return self.name .. ":" .. self:area() end
local Rect = setmetatable({}, {__index = Shape})
Rect.__index = Rect
function Rect.new(w, h) local r = Shape.new("rect"); r.w, r.h = w, h; return setmetatable(r, Rect) end
function Rect:area() return self.w * self.h end
local Square = setmetatable({}, {__index = Rect})
Square.__index = Square
function Square.new(s) local r = Rect.new(s, s); r.name = "square"; return setmetatable(r, Square) end

local function counter()
  local n = 0
  return function(k) n = n + (k or 1); return n end
end
local function map(f, t) local r = {} for i = 1, #t do r[i] = f(t[i]) end return r end
local function filter(p, t) local r = {} for i = 1, #t do if p(t[i]) then r[#r + 1] = t[i] end end return r end
local function reduce(f, acc, t) for i = 1, #t do acc = f(acc, t[i]) end return acc end

print("fib(29)", fib(29))

local p = Point.new(0, 0)
for i = 1, 300000 do p = p + Point.new(i % 7 - 3, i % 5 - 2) end
print("point", p.x, p.y, p:norm1(), p == Point.new(p.x, p.y))

local shapes, total = {}, 0
for i = 1, 2000 do shapes[i] = (i % 2 == 0) and Rect.new(i % 13, i % 17) or Square.new(i % 11) end
for round = 1, 40 do for i = 1, #shapes do total = total + shapes[i]:area() end end
print("area", total, shapes[7]:describe(), shapes[8]:describe())

local c, sum = counter(), 0
local xs = {}
for i = 1, 2000 do xs[i] = i end
for round = 1, 60 do
  local ys = map(function(x) return x * round end, xs)
  local zs = filter(function(x) return x % 3 ~= 0 end, ys)
  sum = sum + reduce(function(a, b) return a + b end, 0, zs)
  c(#zs)
end
print("closures", sum, c(0))
