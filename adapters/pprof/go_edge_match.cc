#include "adapters/pprof/go_edge_match.h"

#include <algorithm>
#include <cstdio>
#include <map>

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
         name.ends_with("-tramp") || name.find("-range") != std::string::npos;
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
  std::multimap<std::string, const GoFunction*> by_name;
  for (const GoFunction& f : current.functions) by_name.emplace(normalize_go_function_name(f.name), &f);
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
  // Candidates for a profile name; a pointer-receiver name also finds the value method,
  // whose (*T).M wrapper the compiler generates.
  auto find = [&](const std::string& raw) {
    std::string name = normalize_go_function_name(raw);
    std::vector<const GoFunction*> out;
    for (auto [it, end] = by_name.equal_range(name); it != end; ++it) out.push_back(it->second);
    std::string pkg = go_symbol_package(name);
    std::string rest = name.substr(std::min(name.size(), pkg.size() + 1));
    if (out.empty() && rest.starts_with("(*")) {
      size_t close = rest.find(')');
      if (close != std::string::npos) {
        std::string value = pkg + "." + rest.substr(2, close - 2) + rest.substr(close + 1);
        for (auto [it, end] = by_name.equal_range(value); it != end; ++it) out.push_back(it->second);
      }
    }
    return out;
  };

  FunctionMatch m;
  m.available = true;
  size_t other_edges = 0, runtime_edges = 0, generated_edges = 0;
  int64_t other_weight = 0, runtime_weight = 0, generated_weight = 0;
  for (const PprofCallEdge& e : stored.edges) {
    if (!in_module(e.caller)) {
      ++other_edges, other_weight += e.weight;
      continue;
    }
    if (in_runtime(e.callee)) {
      ++runtime_edges, runtime_weight += e.weight;
      continue;
    }
    if (generated(e.caller)) {
      ++generated_edges, generated_weight += e.weight;
      continue;
    }
    std::vector<const GoFunction*> callers = find(e.caller);
    if (!callers.empty() && normalize_go_function_name(callers.front()->name) != normalize_go_function_name(e.caller)) {
      // (*T).M found as T.M: the pointer wrapper the compiler generates (<autogenerated>:1).
      ++generated_edges, generated_weight += e.weight;
      continue;
    }
    auto weight = static_cast<uint64_t>(std::max<int64_t>(0, e.weight));
    ++m.functions;
    m.total_count += weight;
    bool callee_gone = in_module(e.callee) && find(e.callee).empty();
    FunctionChange change = FunctionChange::Changed;
    if (callers.empty() || callee_gone) change = FunctionChange::Removed;
    const std::string wanted = call_name(e.callee);
    const bool any_call = closure_like(elements(after_package(normalize_go_function_name(e.callee))));
    for (const GoFunction* f : callers) {
      if (change != FunctionChange::Changed) break;
      int64_t line = f->start_line + e.call_site_offset;
      if (line < f->start_line || line > f->end_line) continue;
      for (const GoCall& c : f->calls)
        if (c.line == line && (any_call || c.name.empty() || c.name == wanted)) change = FunctionChange::Unchanged;
    }
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
  m.note = "Go: the function counts are call edges (caller, line offset, callee) of main-module callers, " +
           std::to_string(m.functions) + " compared (" + share(static_cast<int64_t>(m.total_count)) +
           " of the edge weight); not compared: " + std::to_string(other_edges) +
           " edge(s) of the runtime, standard library and dependencies (" + share(other_weight) + "), " +
           std::to_string(runtime_edges) + " into compiler-inserted runtime calls (" + share(runtime_weight) + ")";
  if (generated_edges)
    m.note += ", " + std::to_string(generated_edges) + " of generated wrappers (" + share(generated_weight) + ")";
  return m;
}

}  // namespace pgo
