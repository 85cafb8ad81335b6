// When a service is ready (its `ready:` check), and the free port its ${port} becomes.
#pragma once

#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "workloads/config.h"

namespace pgo {

// Whether `ready` (its target with the port put in) passes now: tcp — a connection to the
// port (or host:port, default host 127.0.0.1) is accepted; http — GET of the URL answers 2xx;
// file — the path (relative: to `cwd`) exists; output — `pattern` matches `server_log`.
bool is_ready(const ReadyCheck& ready, const std::filesystem::path& cwd, const std::filesystem::path& server_log,
              const std::optional<std::regex>& pattern);

// The check in words, for messages: "TCP port 4242 accepting connections".
std::string describe_ready(const ReadyCheck& ready);

// A TCP port on 127.0.0.1 that nobody listens on now (the kernel's choice for bind to 0).
int pick_free_port();

}  // namespace pgo
