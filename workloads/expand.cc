// ${...} expansion for workload commands; see expand.h for the syntax.
#include "workloads/expand.h"

#include "support/error.h"

namespace pgo {
namespace {

const char* kKnown =
    "known placeholders: ${bin:<target>}, ${project}, ${run_dir}, ${port} (service workloads), and $$ for a "
    "literal '$'";

std::string known_targets(const ExpandContext& ctx) {
  if (ctx.bins.empty()) return "known targets: (none)";
  std::string out = "known targets: ";
  bool first = true;
  for (const auto& [name, path] : ctx.bins) {
    out += (first ? "" : ", ") + name;
    first = false;
  }
  return out;
}

std::vector<std::string> target_names(const ExpandContext& ctx) {
  std::vector<std::string> out;
  for (const auto& [name, path] : ctx.bins) out.push_back(name);
  return out;
}

[[noreturn]] void fail(std::string_view where, const std::string& what) {
  throw Error(ExitCode::kUsage, std::string(where) + ": " + what);
}

}  // namespace

std::vector<Placeholder> scan_placeholders(std::string_view text) {
  std::vector<Placeholder> out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '$' || i + 1 == text.size() || (text[i + 1] != '$' && text[i + 1] != '{')) {
      ++i;  // a lone '$' stays literal so shell lines can use $HOME
      continue;
    }
    Placeholder p;
    p.offset = i;
    if (text[i + 1] == '$') {
      p.text = "$$";
      out.push_back(p);
      i += 2;
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos)
      throw UsageError("unterminated '${' in '" + std::string(text) + "'; close it with '}' or write $$ for a literal '$'");
    std::string name(text.substr(i + 2, close - i - 2));
    p.text = "${" + name + "}";
    if (name.find_first_of("${") != std::string::npos)
      throw UsageError("nested placeholders are not supported: '" + std::string(text.substr(i)) + "'");
    if (name == "project") {
      p.kind = Placeholder::Kind::Project;
    } else if (name == "run_dir") {
      p.kind = Placeholder::Kind::RunDir;
    } else if (name == "port") {
      p.kind = Placeholder::Kind::Port;
    } else if (name.starts_with("bin:")) {
      p.kind = Placeholder::Kind::Bin;
      p.target = name.substr(4);
      if (p.target.empty()) throw UsageError("'${bin:}' needs a target name, e.g. ${bin:app}");
    } else if (name == "bin") {
      throw UsageError("'${bin}' needs a target name, e.g. ${bin:app}");
    } else {
      std::string near = nearest_match(name, {"project", "run_dir", "port"});
      throw UsageError("unknown placeholder '" + p.text + "'" +
                       (near.empty() ? "" : " (did you mean '${" + near + "}'?)") + "; " + kKnown);
    }
    out.push_back(p);
    i = close + 1;
  }
  return out;
}

std::string expand(std::string_view text, const ExpandContext& ctx, std::string_view where) {
  std::vector<Placeholder> found;
  try {
    found = scan_placeholders(text);
  } catch (const Error& e) {
    fail(where, std::string(e.what()) + "; " + known_targets(ctx));
  }
  std::string out;
  size_t copied = 0;
  for (const Placeholder& p : found) {
    out.append(text.substr(copied, p.offset - copied));
    copied = p.offset + p.text.size();
    switch (p.kind) {
      case Placeholder::Kind::Dollar:
        out += '$';
        break;
      case Placeholder::Kind::Project:
        if (ctx.project.empty()) fail(where, "'${project}' is not available here");
        out += ctx.project.string();
        break;
      case Placeholder::Kind::RunDir:
        if (ctx.run_dir.empty()) fail(where, "'${run_dir}' is only available while a workload runs");
        out += ctx.run_dir.string();
        break;
      case Placeholder::Kind::Port:
        out += kPortPlaceholder;  // chosen when the service starts (service.h)
        break;
      case Placeholder::Kind::Bin: {
        auto it = ctx.bins.find(p.target);
        if (it == ctx.bins.end()) {
          std::string near = nearest_match(p.target, target_names(ctx));
          fail(where, "unknown target '" + p.target + "' in '" + p.text + "'" +
                          (near.empty() ? "" : " (did you mean '${bin:" + near + "}'?)") + "; " + known_targets(ctx));
        }
        out += it->second.string();
        break;
      }
    }
  }
  out.append(text.substr(copied));
  return out;
}

std::vector<std::string> expand_argv(const std::vector<std::string>& argv, const ExpandContext& ctx,
                                     std::string_view where) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (size_t i = 0; i < argv.size(); ++i)
    out.push_back(expand(argv[i], ctx, std::string(where) + "[" + std::to_string(i) + "]"));
  return out;
}

std::map<std::string, std::string> expand_env(const std::map<std::string, std::string>& env,
                                              const ExpandContext& ctx, std::string_view where) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : env) out[key] = expand(value, ctx, std::string(where) + "." + key);
  return out;
}

std::string substitute_port(std::string text, const std::string& port) {
  for (size_t at = text.find(kPortPlaceholder); at != std::string::npos;
       at = text.find(kPortPlaceholder, at + port.size()))
    text.replace(at, kPortPlaceholder.size(), port);
  return text;
}

WorkloadSpec expand_workload(const WorkloadSpec& workload, const ExpandContext& ctx) {
  WorkloadSpec out = workload;
  std::string where = "workload '" + workload.name + "': ";
  out.run = expand_argv(workload.run, ctx, where + (workload.service ? "service.run" : "run"));
  out.env = expand_env(workload.env, ctx, where + "env");
  if (out.service) {
    for (size_t i = 0; i < out.service->load.size(); ++i)
      out.service->load[i].argv =
          expand_argv(workload.service->load[i].argv, ctx, where + "service.load[" + std::to_string(i) + "]");
    out.service->ready.target = expand(workload.service->ready.target, ctx, where + "service.ready");
  }
  return out;
}

namespace {

// Every text of a workload that may hold placeholders: run, env values, the service's load
// commands and readiness target.
template <typename Visit>
void for_each_command_text(const WorkloadSpec& workload, Visit visit) {
  for (const std::string& arg : workload.run) visit(arg);
  for (const auto& [key, value] : workload.env) visit(value);
  if (!workload.service) return;
  for (const LoadCommand& load : workload.service->load)
    for (const std::string& arg : load.argv) visit(arg);
  visit(workload.service->ready.target);
}

}  // namespace

bool uses_port(const WorkloadSpec& workload) {
  bool found = false;
  for_each_command_text(workload, [&](const std::string& text) {
    for (const Placeholder& p : scan_placeholders(text)) found = found || p.kind == Placeholder::Kind::Port;
  });
  return found;
}

std::set<std::string> referenced_targets(const WorkloadSpec& workload) {
  std::set<std::string> out;
  auto collect = [&](const std::string& text) {
    for (const Placeholder& p : scan_placeholders(text))
      if (p.kind == Placeholder::Kind::Bin) out.insert(p.target);
  };
  for_each_command_text(workload, collect);
  return out;
}

}  // namespace pgo
