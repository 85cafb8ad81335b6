#include "adapters/llvm/summary.h"

#include <llvm/Demangle/Demangle.h>
#include <llvm/ProfileData/InstrProfReader.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <memory>

#include "support/error.h"

namespace pgo {
namespace fs = std::filesystem;

namespace {

struct Opened {
  std::unique_ptr<llvm::InstrProfReader> reader;
  bool entry_count_first = false;  // Counts[0] is the function's entry count
};

Opened open_profile(const fs::path& path) {
  auto buffer = llvm::MemoryBuffer::getFile(path.string(), /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) throw BuildError("cannot read profile " + path.string() + ": " + buffer.getError().message());
  auto reader = llvm::InstrProfReader::create(std::move(*buffer));
  if (!reader) throw BuildError("cannot read profile " + path.string() + ": " + llvm::toString(reader.takeError()));
  Opened o;
  o.reader = std::move(*reader);
  o.entry_count_first = !o.reader->isIRLevelProfile() || o.reader->instrEntryBBEnabled();
  return o;
}

bool is_cs(uint64_t hash) {
  return llvm::NamedInstrProfRecord::hasCSFlagInHash(hash);
}

}  // namespace

std::vector<FunctionRecordInfo> read_indexed_profile(const fs::path& path) {
  Opened o = open_profile(path);
  std::vector<FunctionRecordInfo> out;
  for (const auto& record : *o.reader)
    out.push_back({record.Name.str(), record.Hash, record.Counts, is_cs(record.Hash)});
  if (o.reader->hasError())
    throw BuildError("corrupt profile " + path.string() + ": " + llvm::toString(o.reader->getError()));
  std::sort(out.begin(), out.end(), [](const FunctionRecordInfo& a, const FunctionRecordInfo& b) {
    return a.name != b.name ? a.name < b.name : a.hash < b.hash;
  });
  return out;
}

ProfileSummary summarize_llvm_profile(const fs::path& merged) {
  Opened o = open_profile(merged);
  ProfileSummary s;
  std::vector<FunctionCount> all;
  for (const auto& record : *o.reader) {
    if (is_cs(record.Hash)) {  // context-sensitive copies repeat counts in context
      ++s.context_sensitive_functions;
      continue;
    }
    ++s.functions;
    uint64_t sum = 0, hottest = 0;
    for (uint64_t c : record.Counts) {
      sum += c;
      hottest = std::max(hottest, c);
    }
    s.total_count += sum;
    if (sum == 0) continue;
    ++s.functions_with_counts;
    const uint64_t count = o.entry_count_first && !record.Counts.empty() ? record.Counts[0] : hottest;
    all.push_back({display_function_name(record.Name), count});
  }
  if (o.reader->hasError())
    throw BuildError("corrupt profile " + merged.string() + ": " + llvm::toString(o.reader->getError()));
  std::sort(all.begin(), all.end(), [](const FunctionCount& a, const FunctionCount& b) {
    return a.count != b.count ? a.count > b.count : a.name < b.name;
  });
  if (all.size() > 10) all.resize(10);
  s.hottest = std::move(all);
  return s;
}

namespace {

// Rust's legacy mangling is Itanium-shaped, so llvm::demangle leaves its own parts:
// "core..hash..Hasher$LT$S$GT$::write::h0123456789abcdef" -> "core::hash::Hasher<S>::write".
std::string tidy_rust_legacy(std::string shown) {
  static const std::pair<std::string_view, std::string_view> kEscapes[] = {
      {"$LT$", "<"}, {"$GT$", ">"}, {"$u20$", " "}, {"$RF$", "&"}, {"$BP$", "*"}, {"$C$", ","},
      {"$SP$", "@"}, {"$u27$", "'"}, {"$u5b$", "["}, {"$u5d$", "]"}, {"$u7b$", "{"}, {"$u7d$", "}"},
      {"$u7e$", "~"}, {"$LP$", "("}, {"$RP$", ")"}, {"..", "::"}};
  const size_t n = shown.size();
  if (n < 19 || shown.compare(n - 19, 3, "::h") != 0 ||
      shown.find_first_not_of("0123456789abcdef", n - 16) != std::string::npos)
    return shown;
  shown.resize(n - 19);
  if (shown.starts_with("_$LT$")) shown.erase(0, 1);
  for (const auto& [from, to] : kEscapes)
    for (size_t at = 0; (at = shown.find(from, at)) != std::string::npos; at += to.size())
      shown.replace(at, from.size(), to);
  return shown;
}

// rustc names a module "<crate>.<16 hex digits>-cgu.<N>" (its codegen unit). A Rust name
// already starts with its crate, so the unit only adds noise to what people read.
bool rust_codegen_unit(std::string_view module) {
  const size_t cgu = module.rfind("-cgu.");
  if (cgu == std::string_view::npos || cgu < 17 || module[cgu - 17] != '.') return false;
  const std::string_view hash = module.substr(cgu - 16, 16), unit = module.substr(cgu + 5);
  return hash.find_first_not_of("0123456789abcdef") == std::string_view::npos && !unit.empty() &&
         unit.find_first_not_of("0123456789") == std::string_view::npos;
}

}  // namespace

std::string display_function_name(std::string_view pgo_name) {
  // Internal-linkage functions carry their file: "<file>;<name>" (see llvm::getPGOFuncName).
  std::string_view file, name = pgo_name;
  if (size_t semi = pgo_name.rfind(';'); semi != std::string_view::npos) {
    file = pgo_name.substr(0, semi);
    name = pgo_name.substr(semi + 1);
  }
  std::string shown = llvm::demangle(name);
  if (name.starts_with("_ZN")) shown = tidy_rust_legacy(std::move(shown));
  if (!file.empty() && !rust_codegen_unit(file)) shown += " (" + std::string(file) + ")";
  return shown;
}

}  // namespace pgo
