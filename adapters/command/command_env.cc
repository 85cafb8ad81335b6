#include "adapters/command/command_env.h"

#include <optional>

#include "support/error.h"
#include "support/strings.h"

namespace pgo::command {

namespace {

std::string append(const std::map<std::string, std::string>& user_env, const std::string& name,
                   const std::vector<std::string>& ours) {
  auto it = user_env.find(name);
  std::string value = it == user_env.end() ? "" : trim(it->second);
  std::string added = shell_words(ours);
  if (!value.empty() && !added.empty()) value += ' ';
  return value + added;
}

enum class Mode { Whole, Embedded, Shell };

// The text one placeholder stands for; nullopt for an unknown name.
std::optional<std::string> value_text(const std::string& name, const PlaceholderValues& v, Mode mode) {
  auto scalar = [&](const std::string& s) { return mode == Mode::Shell ? shell_word(s) : s; };
  if (name == "pgo_cflags") return shell_words(v.pgo_cflags);
  if (name == "pgo_ldflags") return shell_words(v.pgo_ldflags);
  if (name == "cc") return scalar(v.cc);
  if (name == "cxx") return scalar(v.cxx);
  if (name == "source_dir") return scalar(v.source_dir);
  if (name == "build_dir") return scalar(v.build_dir);
  if (name == "project") return scalar(v.project);
  if (name == "jobs") return scalar(v.jobs);
  return std::nullopt;
}

std::string expand_text(const std::string& text, const PlaceholderValues& v, Mode mode, const std::string& where) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += '$';
      continue;
    }
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos)
      throw UsageError(where + ": unterminated \"${\" in '" + text + "' (write \"$${\" for a literal \"${\")");
    std::string name = text.substr(i + 2, close - i - 2);
    std::optional<std::string> value = value_text(name, v, mode);
    if (!value)
      throw UsageError(where + ": unknown placeholder ${" + name + "} in '" + text + "'; known: ${" +
                       join(kPlaceholders, "}, ${") + "} (write \"$${\" for a literal \"${\")");
    out += *value;
    i = close;
  }
  return out;
}

}  // namespace

std::string shell_word(const std::string& word) {
  if (word.empty()) return "''";
  bool plain = true;
  for (unsigned char c : word)
    if (!(std::isalnum(c) || std::string_view("_@%+=:,./-").find(static_cast<char>(c)) != std::string_view::npos))
      plain = false;
  if (plain) return word;
  std::string out = "'";
  for (char c : word) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

std::string shell_words(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += shell_word(w);
  }
  return out;
}

std::map<std::string, std::string> build_variables(const std::map<std::string, std::string>& user_env,
                                                   const std::filesystem::path& cc,
                                                   const std::filesystem::path& cxx, const Flags& flags) {
  return {{"CC", cc.string()},
          {"CXX", cxx.string()},
          {"CFLAGS", append(user_env, "CFLAGS", flags.compile)},
          {"CXXFLAGS", append(user_env, "CXXFLAGS", flags.compile)},
          {"LDFLAGS", append(user_env, "LDFLAGS", flags.link)}};
}

std::vector<std::string> expand_command(const CommandLine& command, const PlaceholderValues& values,
                                        std::string_view where) {
  std::string w(where);
  if (command.shell) {
    std::string line = command.argv.empty() ? "" : command.argv.front();
    return {"/bin/sh", "-c", expand_text(line, values, Mode::Shell, w + "[0]")};
  }
  std::vector<std::string> argv;
  for (size_t i = 0; i < command.argv.size(); ++i) {
    const std::string& a = command.argv[i];
    if (a == "${pgo_cflags}") {
      argv.insert(argv.end(), values.pgo_cflags.begin(), values.pgo_cflags.end());
    } else if (a == "${pgo_ldflags}") {
      argv.insert(argv.end(), values.pgo_ldflags.begin(), values.pgo_ldflags.end());
    } else {
      argv.push_back(expand_text(a, values, Mode::Embedded, w + "[" + std::to_string(i) + "]"));
    }
  }
  return argv;
}

}  // namespace pgo::command
