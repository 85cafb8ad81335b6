#include "adapters/gcc/gcno.h"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>

#include "adapters/gcc/gcov_io.h"

namespace pgo {

const GcnoFunction* GcnoFile::find(const GcdaFunction& fn) const {
  for (const auto& f : functions)
    if (f.ident == fn.ident && f.lineno_checksum == fn.lineno_checksum && f.cfg_checksum == fn.cfg_checksum)
      return &f;
  return nullptr;
}

GcnoFile parse_gcno(std::string_view bytes, std::string_view name_for_errors) {
  gcov_io::Reader in(bytes, name_for_errors);
  GcnoFile file;
  file.name = std::string(name_for_errors);
  file.version = gcov_io::read_header(in, gcov_io::kGcnoMagic, "gcno");
  file.version_string = gcov_io::version_string(file.version);
  file.stamp = in.u32("stamp");
  in.u32("checksum");
  file.cwd = in.string("working directory");
  in.u32("has_unexecuted_blocks");
  while (!in.at_end()) {
    size_t record_offset = in.offset();
    uint32_t tag = in.u32("record tag");
    if (tag == 0) break;  // end marker
    int32_t length = static_cast<int32_t>(in.u32("record length"));
    if (length < 0) in.fail_at(record_offset, "record " + gcov_io::hex32(tag) + " with negative length");
    gcov_io::Reader body = in.sub(static_cast<size_t>(length), "record body");
    if (tag != kGcdaTagFunction) continue;
    GcnoFunction fn;
    fn.ident = body.u32("function ident");
    fn.lineno_checksum = body.u32("lineno checksum");
    fn.cfg_checksum = body.u32("cfg checksum");
    fn.name = body.string("function name");
    fn.artificial = body.u32("artificial flag") != 0;
    fn.source = body.string("source file");
    fn.start_line = body.u32("start line");
    file.functions.push_back(std::move(fn));
  }
  return file;
}

std::string demangle(const std::string& name) {
  if (name.rfind("_Z", 0) != 0) return name;
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : name;
}

}  // namespace pgo
