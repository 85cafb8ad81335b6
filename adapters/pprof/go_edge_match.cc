#include "adapters/pprof/go_edge_match.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "adapters/go/profile_hook.h"
#include "adapters/pprof/go_sources.h"

namespace pgo {

namespace {

// The function part after the package: "(*T).M", "F.func1.1".
std::string after_package(const std::string& name) {
  std::string pkg = go_symbol_package(name);
  return pkg.size() < name.size() ? name.substr(pkg.size() + 1) : "";
}

// Dot-separated elements of the function part, dots inside (...) and [...] kept.
std::vector<std::string> elements(const std::string& function_part) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (char c : function_part) {
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (c == '.' && depth == 0) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

// "func12" is numbered("func12", "func"); "3" is numbered("3", "").
bool numbered(const std::string& s, const std::string& word) {
  if (!s.starts_with(word) || s.size() == word.size()) return false;
  return std::all_of(s.begin() + static_cast<long>(word.size()), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A closure (F.func1, F.func1.2, pkg.init.func1) or a wrapper the compiler generates.
bool closure_like(const std::vector<std::string>& e) {
  if (e.size() < 2) return false;
  const std::string& last = e.back();
  return numbered(last, "func") || numbered(last, "") || numbered(last, "deferwrap") ||
         numbered(last, "gowrap");
}

bool generated(const std::string& name) {
  std::vector<std::string> e = elements(after_package(name));
  const std::string& last = e.back();
  return numbered(last, "deferwrap") || numbered(last, "gowrap") || name.ends_with("-fm") ||
         name.ends_with("-tramp");
}

// "F-range1-range2" -> "F": the function whose range-over-func loop bodies these are.
std::string without_range_suffix(const std::string& element) {
  size_t at = element.find("-range");
  return at == std::string::npos ? element : element.substr(0, at);
}

std::string joined(const std::vector<std::string>& e, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) out += (i == from ? "" : ".") + e[i];
  return out;
}

// A standard library package: no dot in the first path element ("fmt", "internal/abi").
bool standard_library(const std::string& package) {
  std::string first = package.substr(0, package.find('/'));
  return first.find('.') == std::string::npos && first.find("%2e") == std::string::npos;
}

// The name a call to `callee` is made through: its last element, without type arguments.
std::string call_name(const std::string& callee) {
  std::string last = elements(after_package(callee)).back();
  if (last.ends_with("-fm")) last.resize(last.size() - 3);
  return last.substr(0, last.find('['));
}

std::string offset_text(int64_t offset) {
  return (offset >= 0 ? "+" : "") + std::to_string(offset);
}

// What a profile's function name stands for in the current source.
struct Resolved {
  enum Kind { Plain, Closures, RangeBodies } kind = Plain;
  std::vector<const GoFunction*> functions;  // Plain: the function; Closures: every closure of
                                             // the source function; RangeBodies: its functions
  bool wrapper = false;  // a (*T).M name found as T.M: the generated pointer wrapper
};

// Resolves profile names, including those cmd/compile makes when it inlines (checked with
// Go 1.26): a closure of an inlined function is named after the function it was inlined
// into, in that function's package and closure numbering ("main.sumAll.(*Tree[...]).All.func2"
// for a closure of lib.(*Tree[...]).All inlined into main.sumAll); a range-over-func loop
// body is "F-rangeN", nested ones "F-range1-range2", both possibly behind such a prefix.
class Resolver {
 public:
  explicit Resolver(const GoCurrentCode& code) {
    for (const GoFunction& f : code.functions) {
      std::string name = normalize_go_function_name(f.name);
      by_name_.emplace(name, &f);
      std::string rest = after_package(name);
      by_rest_.emplace(rest, &f);
    }
  }

  Resolved resolve(const std::string& raw) const {
    std::string name = normalize_go_function_name(raw);
    Resolved r;
    r.functions = exact(name);
    if (!r.functions.empty()) return r;
    std::string pkg = go_symbol_package(name);
    std::string rest = after_package(name);
    if (rest.starts_with("(*")) {  // the (*T).M wrapper of a value method T.M
      size_t close = rest.find(')');
      if (close != std::string::npos) {
        r.functions = exact(pkg + "." + rest.substr(2, close - 2) + rest.substr(close + 1));
        r.wrapper = !r.functions.empty();
        if (r.wrapper) return r;
      }
    }
    std::vector<std::string> e = elements(rest);
    if (e.empty()) return r;
    if (e.back().find("-range") != std::string::npos) {
      // The loop's function: the last element's stem, after as much of the prefix as names
      // a function (a receiver "(*T)", an enclosing "F.func1").
      std::vector<std::string> chain(e.begin(), e.end() - 1);
      chain.push_back(without_range_suffix(e.back()));
      r.kind = Resolved::RangeBodies;
      r.functions = source_function(pkg, chain, chain.size() - 1);
      return r;
    }
    if (closure_like(e)) {
      size_t k = e.size() - 1;
      while (k > 0 && (numbered(e[k], "func") || numbered(e[k], ""))) --k;
      std::vector<std::string> chain = e;
      chain[k] = without_range_suffix(chain[k]);
      for (const GoFunction* f : source_function(pkg, chain, k)) {
        std::string closures = normalize_go_function_name(f->name) + ".";
        for (auto it = by_name_.lower_bound(closures); it != by_name_.end() && it->first.starts_with(closures); ++it)
          if (std::find(r.functions.begin(), r.functions.end(), it->second) == r.functions.end())
            r.functions.push_back(it->second);
      }
      r.kind = Resolved::Closures;
    }
    return r;
  }

 private:
  std::vector<const GoFunction*> exact(const std::string& name) const {
    std::vector<const GoFunction*> out;
    for (auto [it, end] = by_name_.equal_range(name); it != end; ++it) out.push_back(it->second);
    return out;
  }

  // The function named by chain[j..k] for the longest such suffix that names one, in
  // `pkg` if it has one there, else in any package of the module (an inlined function of
  // another package lends its closures the caller's package).
  std::vector<const GoFunction*> source_function(const std::string& pkg, const std::vector<std::string>& chain,
                                                 size_t k) const {
    for (size_t j = 0; j <= k; ++j) {
      std::string rest = joined(chain, j, k + 1);
      std::vector<const GoFunction*> here = exact(pkg + "." + rest);
      if (!here.empty()) return here;
      std::vector<const GoFunction*> anywhere;
      for (auto [it, end] = by_rest_.equal_range(rest); it != end; ++it) anywhere.push_back(it->second);
      if (!anywhere.empty()) return anywhere;
    }
    return {};
  }

  std::multimap<std::string, const GoFunction*> by_name_;  // normalized full name
  std::multimap<std::string, const GoFunction*> by_rest_;  // normalized name after the package
};

// Does `f` hold, `offset` lines below `start`, a call that can be the edge's?
bool holds_call(const GoFunction& f, int64_t start, int64_t end, int64_t offset, const std::string& wanted,
                bool any_call) {
  int64_t line = start + offset;
  if (line < start || line > end) return false;
  return std::any_of(f.calls.begin(), f.calls.end(), [&](const GoCall& c) {
    return c.line == line && (any_call || c.name.empty() || c.name == wanted);
  });
}

}  // namespace

std::string normalize_go_function_name(const std::string& name) {
  std::string out;
  int depth = 0;
  for (char c : name) {
    if (c == '[') {
      if (depth++ == 0) out += "[...]";
    } else if (c == ']' && depth > 0) {
      --depth;
    } else if (depth == 0) {
      out += c;
    }
  }
  return out;
}

std::string short_go_function_name(const std::string& name) {
  std::string pkg = go_symbol_package(name);
  size_t slash = pkg.rfind('/');
  return slash == std::string::npos ? name : name.substr(slash + 1);
}

FunctionMatch match_go_call_edges(const PprofCallEdges& stored, const GoCurrentCode& current) {
  Resolver resolver(current);
  const std::string module_prefix = go_symbol_prefix(current.module_path);
  auto in_module = [&](const std::string& name) {
    std::string pkg = go_symbol_package(name);
    return current.packages.count(pkg) || pkg == module_prefix || pkg.starts_with(current.module_path + "/");
  };
  auto in_runtime = [](const std::string& name) {
    // A name without a package is a file-local assembly function of the runtime (amd64's
    // write barrier "gcWriteBarrier", reached through runtime.gcWriteBarrier2 and friends).
    if (name.find('.') == std::string::npos) return true;
    std::string pkg = go_symbol_package(name);
    return pkg == "runtime" || pkg.starts_with("internal/runtime/") || pkg.starts_with("runtime/internal/");
  };
  // A dependency's package: neither the main module's nor the standard library's.
  auto dependency_package = [&](const std::string& name) -> std::string {
    if (name.find('.') == std::string::npos || in_module(name)) return "";
    std::string pkg = go_symbol_package(name);
    return standard_library(pkg) ? "" : pkg;
  };

  FunctionMatch m;
  m.available = true;
  m.profile_count = static_cast<uint64_t>(std::max<int64_t>(0, stored.total_weight));
  size_t other_edges = 0, runtime_edges = 0, generated_edges = 0, dependency_edges = 0, into_dependencies = 0;
  int64_t other_weight = 0, runtime_weight = 0, generated_weight = 0, dependency_weight = 0;
  auto file_under_dependency = [&](const std::string& pkg, int64_t w) {
    DependencyEntries& d = m.dependency_entries[pkg];
    ++d.entries;
    d.count += static_cast<uint64_t>(std::max<int64_t>(0, w));
    ++dependency_edges, dependency_weight += w;
  };
  for (const PprofCallEdge& e : stored.edges) {
    // A dependency's code, by its file in the module cache (closures of a dependency's
    // functions inlined into the module carry the module's package) or by its package.
    auto file = stored.caller_files.find(e.caller);
    std::string caller_module = file == stored.caller_files.end() ? "" : go_module_of_file(file->second);
    if (caller_module.empty()) caller_module = dependency_package(e.caller);
    if (!caller_module.empty()) {
      if (in_runtime(e.callee)) ++runtime_edges, runtime_weight += e.weight;
      else file_under_dependency(caller_module, e.weight);
      continue;
    }
    if (!in_module(e.caller)) {
      ++other_edges, other_weight += e.weight;
      continue;
    }
    if (in_runtime(e.callee)) {
      ++runtime_edges, runtime_weight += e.weight;
      continue;
    }
    // pgo's own CPU-profile hook (added to the training build by an overlay, never in the
    // source) can be sampled as it stops the profile at exit: compiler-made code as well.
    const bool in_profile_hook =
        file != stored.caller_files.end() && std::filesystem::path(file->second).filename() == go::kHookFileName;
    if (generated(e.caller) || in_profile_hook) {
      ++generated_edges, generated_weight += e.weight;
      continue;
    }
    Resolved caller = resolver.resolve(e.caller);
    if (caller.wrapper) {  // (*T).M found as T.M: the pointer wrapper the compiler generates (<autogenerated>:1)
      ++generated_edges, generated_weight += e.weight;
      continue;
    }
    auto weight = static_cast<uint64_t>(std::max<int64_t>(0, e.weight));
    bool callee_gone = in_module(e.callee) && resolver.resolve(e.callee).functions.empty();
    FunctionChange change = FunctionChange::Changed;
    if (caller.functions.empty() || callee_gone) change = FunctionChange::Removed;
    const std::string wanted = call_name(e.callee);
    const bool any_call = closure_like(elements(after_package(normalize_go_function_name(e.callee))));
    for (const GoFunction* f : caller.functions) {
      if (change != FunctionChange::Changed) break;
      if (caller.kind == Resolved::RangeBodies) {
        for (const GoRange& r : f->ranges)
          if (holds_call(*f, r.line, r.end_line, e.call_site_offset, wanted, any_call)) change = FunctionChange::Unchanged;
      } else if (holds_call(*f, f->start_line, f->end_line, e.call_site_offset, wanted, any_call)) {
        change = FunctionChange::Unchanged;
      }
    }
    std::string dep = dependency_package(e.callee);
    if (change == FunctionChange::Unchanged && !dep.empty()) {
      file_under_dependency(dep, e.weight);  // the call site is there; the callee is as its version is
      ++into_dependencies;
      continue;
    }
    ++m.functions;
    m.total_count += weight;
    if (change == FunctionChange::Unchanged) {
      ++m.unchanged;
      m.unchanged_count += weight;
      continue;
    }
    ++(change == FunctionChange::Changed ? m.changed : m.removed);
    m.mismatched.push_back({short_go_function_name(e.caller) + " -> " + short_go_function_name(e.callee) + " (" +
                                offset_text(e.call_site_offset) + ")",
                            change, weight, 0});
  }
  for (auto& mm : m.mismatched)
    mm.share = m.total_count == 0 ? 0 : static_cast<double>(mm.count) / static_cast<double>(m.total_count);
  std::stable_sort(m.mismatched.begin(), m.mismatched.end(),
                   [](const MismatchedFunction& a, const MismatchedFunction& b) {
                     return a.count != b.count ? a.count > b.count : a.name < b.name;
                   });

  auto share = [&](int64_t w) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f%%",
                  stored.total_weight > 0 ? 100.0 * static_cast<double>(w) / static_cast<double>(stored.total_weight) : 0.0);
    return std::string(buf);
  };
  m.note = "Go: the function counts are call edges (caller, line offset, callee), " +
           std::to_string(m.functions + into_dependencies) + " of main-module callers compared by source";
  if (into_dependencies == 0) m.note += " (" + share(static_cast<int64_t>(m.total_count)) + " of the edge weight)";
  if (dependency_edges)
    m.note += ", " + std::to_string(dependency_edges) + " in dependency modules (" + share(dependency_weight) +
              ") by module version (" + std::to_string(into_dependencies) + " of them main-module calls into one)";
  m.note += "; not compared: " + std::to_string(other_edges) + " edge(s) of the runtime and standard library (" +
            share(other_weight) + "), " + std::to_string(runtime_edges) + " into compiler-inserted runtime calls (" +
            share(runtime_weight) + ")";
  if (generated_edges)
    m.note += ", " + std::to_string(generated_edges) + " of generated wrappers (" + share(generated_weight) + ")";
  return m;
}

}  // namespace pgo
