// General YAML reading with located errors (see yaml_reader.h); no schema knowledge here.
#include "workloads/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <exception>
#include <istream>
#include <sstream>
#include <streambuf>
#include <strings.h>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>

#include "llvm/ADT/StringRef.h"
#include "support/error.h"

namespace pgo {

std::optional<double> parse_duration_seconds(std::string_view text) {
  static constexpr std::pair<std::string_view, double> kUnits[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  double scale = 1;
  for (const auto& [unit, factor] : kUnits)  // "ms" before "m"/"s": the longer suffix wins
    if (text.size() > unit.size() && text.ends_with(unit)) {
      text.remove_suffix(unit.size());
      scale = factor;
      break;
    }
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0)
    return std::nullopt;
  return value * scale;
}

std::string nearest_match(std::string_view word, const std::vector<std::string>& candidates) {
  // Allow about one edit per three characters: catches typos, not unrelated words.
  unsigned limit = static_cast<unsigned>(std::max<size_t>(1, (word.size() + 2) / 3));
  std::string best;
  unsigned best_distance = limit + 1;
  for (const std::string& c : candidates) {
    unsigned d = llvm::StringRef(word.data(), word.size()).edit_distance(c, true, limit + 1);
    if (d < best_distance) best_distance = d, best = c;
  }
  return best_distance <= limit ? best : std::string();
}

namespace yaml {

void Reader::fail(const YAML::Mark& m, const std::string& path, const std::string& what) const {
  std::ostringstream out;
  out << file_ << ':' << std::max(m.line, 0) + 1 << ':' << std::max(m.column, 0) + 1 << ": "
      << (path.empty() ? "(document)" : path) << ": " << what;
  throw Error(ExitCode::kUsage, out.str());
}

void Reader::fail(const Value& v, const std::string& what) const { fail(v.mark, v.path, what); }

namespace {

// Records where each document and its root node start (YAML::Load builds the content).
struct DocumentStarts : YAML::EventHandler {
  std::vector<YAML::Mark> starts, roots;
  void root(const YAML::Mark& m) {
    if (roots.size() < starts.size()) roots.push_back(m);
  }
  void OnDocumentStart(const YAML::Mark& m) override { starts.push_back(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { root(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { root(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { root(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(m);
  }
  void OnMapEnd() override {}
};

}  // namespace

// `text` for yaml-cpp, 64 KiB at a time, with the reader's checkpoint before each piece: so a
// signal stops the parse of a large file. The checkpoint's exception ends the text instead of
// passing through yaml-cpp (which then leaks its buffers); the caller rethrows it once
// yaml-cpp has returned or thrown.
class CheckpointedText : public std::streambuf {
 public:
  CheckpointedText(const std::string& text, const Reader& r) : text_(text), reader_(r) {}

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (next_ >= text_.size() || stopped_) return traits_type::eof();
    try {
      reader_.checkpoint();
    } catch (...) {
      stopped_ = std::current_exception();
      return traits_type::eof();
    }
    char* begin = const_cast<char*>(text_.data()) + next_;  // read only: no putback area
    size_t n = std::min<size_t>(64 * 1024, text_.size() - next_);
    setg(begin, begin, begin + n);
    next_ += n;
    return traits_type::to_int_type(*gptr());
  }

 private:
  const std::string& text_;
  const Reader& reader_;
  size_t next_ = 0;
  std::exception_ptr stopped_;

 public:
  void rethrow_if_stopped() const {
    if (stopped_) std::rethrow_exception(stopped_);
  }
};

YAML::Node Reader::load_single_document(const std::string& text) const {
  YAML::Node root;
  DocumentStarts docs;
  CheckpointedText whole(text, *this), again(text, *this);
  try {
    std::istream whole_in(&whole);
    root = YAML::Load(whole_in);
    whole.rethrow_if_stopped();
    // Not YAML::LoadAll: yaml-cpp 0.7 meets a token no document can start with (a stray
    // ',' after a document) by returning an empty document without consuming it, forever.
    // Three documents at most tell all: a second one is an error, and a document that
    // starts where the previous one did means the parser is stuck on that token.
    std::istream in(&again);
    YAML::Parser parser(in);
    while (docs.starts.size() < 3 && parser.HandleNextDocument(docs)) {
      size_t n = docs.starts.size();
      if (n >= 2 && docs.starts[n - 1].pos == docs.starts[n - 2].pos) {
        const YAML::Mark& m = docs.starts[n - 1];
        std::string what = m.pos >= 0 && static_cast<size_t>(m.pos) < text.size()
                               ? std::string("unexpected '") + text[m.pos] + "'"
                               : std::string("unexpected content");
        throw YAML::ParserException(m, what + " where a document or a value should start");
      }
    }
    again.rethrow_if_stopped();
  } catch (const YAML::Exception& e) {
    whole.rethrow_if_stopped();  // a text cut short by the checkpoint reads as a parse error
    again.rethrow_if_stopped();
    std::ostringstream out;
    out << file_ << ':' << std::max(e.mark.line, 0) + 1 << ':' << std::max(e.mark.column, 0) + 1
        << ": YAML syntax error: ";
    if (auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&e))  // yaml-cpp words it "bad file"
      out << "collections nested " << deep->depth() << " levels deep, beyond the parser's limit (pgo.yaml needs a few)";
    else
      out << e.msg;
    std::istringstream lines(text);
    std::string line;
    for (int i = 0; i <= e.mark.line; ++i) std::getline(lines, line);
    if (line.substr(0, line.find_first_not_of(" \t")).find('\t') != std::string::npos)
      out << " (the line is indented with a tab; YAML allows only spaces)";
    throw Error(ExitCode::kUsage, out.str());
  }
  if (docs.starts.size() > 1)
    fail(docs.roots.size() > 1 ? docs.roots[1] : docs.starts[1], "(document)", "only one YAML document is allowed; remove the second '---'");
  return root;
}

Value document(const YAML::Node& root) { return {root, root.Mark(), "", root.Mark()}; }

Value element(const Value& list, size_t i) {
  const YAML::Node& n = list.node[i];
  return {n, n.Mark(), list.path + "[" + std::to_string(i) + "]", n.Mark()};
}

std::string describe(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsScalar()) return "'" + n.Scalar() + "'";
  return "nothing";
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
  std::string near = nearest_match(word, candidates);
  return near.empty() ? "" : " (did you mean '" + near + "'?)";
}

MapView::MapView(const Reader& r, const Value& v, const std::vector<std::string>& allowed) : r_(r), self_(v) {
  if (v.node.IsNull()) r.fail(v, "has no value (expected a map)");
  if (!v.node.IsMap())
    r.fail(v, "expected a map" + (allowed.empty() ? "" : " with keys " + join_list(allowed)) + ", got " +
                  describe(v.node));
  for (auto it = v.node.begin(); it != v.node.end(); ++it) {
    const YAML::Node k = it->first;  // a copy (cheap, same node): `it->` returns a temporary proxy
    std::string path = v.path.empty() ? "" : v.path + ".";
    if (!k.IsScalar()) r.fail(k.Mark(), v.path, "keys must be plain strings, got " + describe(k));
    const std::string& key = k.Scalar();
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string near = nearest_match(key, allowed);
      r.fail(k.Mark(), path + key,
             "unknown key '" + key + "'" +
                 (near.empty() ? "; valid keys: " + join_list(allowed) : " (did you mean '" + near + "'?)"));
    }
    r.checkpoint();
    if (auto seen = index_.find(key); seen != index_.end())
      r.fail(k.Mark(), path + key,
             "duplicate key '" + key + "' (first at line " + std::to_string(fields_[seen->second].second.key.line + 1) +
                 ")");
    YAML::Mark m = it->second.IsNull() ? k.Mark() : it->second.Mark();
    index_.emplace(key, fields_.size());
    fields_.emplace_back(key, Value{it->second, m, path + key, k.Mark()});
  }
}

const Value* MapView::find(std::string_view key) const {
  auto it = index_.find(std::string(key));
  return it == index_.end() ? nullptr : &fields_[it->second].second;
}

const Value& MapView::require(const std::string& key) const {
  if (const Value* v = find(key)) return *v;
  r_.fail(self_.mark, self_.path.empty() ? key : self_.path + "." + key, "required key '" + key + "' is missing");
}

std::string scalar(const Reader& r, const Value& v, const char* expected) {
  if (v.node.IsNull()) r.fail(v, "has no value (expected " + std::string(expected) + ")");
  if (!v.node.IsScalar()) r.fail(v, std::string("expected ") + expected + ", got " + describe(v.node));
  return v.node.Scalar();
}

std::string get_string(const Reader& r, const Value& v, bool allow_empty) {
  std::string s = scalar(r, v, "a string");
  if (!allow_empty && s.empty()) r.fail(v, "must not be empty");
  return s;
}

long long get_int(const Reader& r, const Value& v, long long min) {
  std::string s = scalar(r, v, "an integer");
  long long out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty())
    r.fail(v, "expected an integer, got '" + s + "'");
  if (out < min) r.fail(v, "must be at least " + std::to_string(min) + ", got " + s);
  if (out > 1000000000) r.fail(v, "is too large: " + s + " (at most 1000000000)");
  return out;
}

double get_number(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "a number");
  double out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty() || !std::isfinite(out))
    r.fail(v, "expected a number, got '" + s + "'");
  return out;
}

double get_fraction(const Reader& r, const Value& v, bool allow_zero) {
  double x = get_number(r, v);
  if (x < 0 || (x == 0 && !allow_zero) || x >= 1)
    r.fail(v, std::string("must be a fraction ") + (allow_zero ? "0 <= x < 1" : "0 < x < 1") + " (0.01 is 1%), got " +
                  v.node.Scalar());
  return x;
}

bool get_bool(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "true or false");
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  for (const char* yaml11 : {"yes", "no", "on", "off", "y", "n"})
    if (strcasecmp(s.c_str(), yaml11) == 0)
      r.fail(v, "'" + s + "' is not accepted as a boolean here; write true or false");
  r.fail(v, "expected true or false, got '" + s + "'");
}

double get_duration(const Reader& r, const Value& v) {
  std::string s = scalar(r, v, "a duration");
  std::optional<double> d = parse_duration_seconds(s);
  if (!d && s.starts_with('-')) r.fail(v, "must not be negative, got '" + s + "'");
  if (!d)
    r.fail(v, "invalid duration '" + s + "'; write seconds (30, 2.5) or a number with a unit ms, s, m, h or d "
              "(500ms, 30s, 10m, 1.5h, 30d)");
  if (*d <= 0) r.fail(v, "must be greater than zero, got '" + s + "'");
  if (*d > 1e8) r.fail(v, "is too large: '" + s + "' (at most 100000000 s, about 3 years)");
  return *d;
}

const YAML::Node& get_list(const Reader& r, const Value& v) {
  if (v.node.IsNull()) r.fail(v, "has no value (expected a list)");
  if (!v.node.IsSequence()) r.fail(v, "expected a list, got " + describe(v.node));
  return v.node;
}

std::vector<std::string> get_string_list(const Reader& r, const Value& v, bool allow_empty_items) {
  std::vector<std::string> out;
  const YAML::Node& list = get_list(r, v);
  for (size_t i = 0, n = list.size(); i < n; ++i) {
    r.checkpoint();
    out.push_back(get_string(r, element(v, i), allow_empty_items));
  }
  return out;
}

}  // namespace yaml
}  // namespace pgo
