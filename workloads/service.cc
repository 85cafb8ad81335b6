// One run of a service workload; see service.h for the sequence and the result.
#include "workloads/service.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <mutex>
#include <regex>
#include <thread>

#include "support/atomic_file.h"
#include "support/error.h"
#include "support/strings.h"
#include "support/temporary_directory.h"
#include "workloads/bounded_output.h"
#include "workloads/expand.h"
#include "workloads/readiness.h"

namespace pgo {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPollInterval = std::chrono::milliseconds(20);

// The server, run by the ProcessRunner on a thread of its own.
class Server {
 public:
  Server(ProcessRunner& runner, ProcessSpec spec) : spec_(std::move(spec)) {
    spec_.on_start = [this](pid_t pid) { pgid_.store(pid); };
    thread_ = std::thread([this, &runner] {
      try {
        result_ = runner.run(spec_);
      } catch (...) {
        error_ = std::current_exception();
      }
      done_.store(true);
    });
  }
  ~Server() {
    if (thread_.joinable()) {
      kill(SIGKILL);
      thread_.join();
    }
  }

  bool done() const { return done_.load(); }
  pid_t pgid() const { return pgid_.load(); }
  void kill(int sig) const {
    if (pid_t g = pgid_.load(); g > 0 && !done()) ::kill(-g, sig);
  }
  // Waits up to `limit` for the server to end; true if it has.
  bool wait(std::chrono::milliseconds limit) const {
    auto until = Clock::now() + limit;
    while (!done() && Clock::now() < until) std::this_thread::sleep_for(kPollInterval);
    return done();
  }
  // Joins the thread and returns the server's result (rethrows an interruption).
  const ProcessResult& finish() {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    return result_;
  }

 private:
  ProcessSpec spec_;
  std::atomic<pid_t> pgid_{0};
  std::atomic<bool> done_{false};
  ProcessResult result_;
  std::exception_ptr error_;
  std::thread thread_;
};

struct ClientRun {
  std::string label;  // "load[1] (run 2/3)"
  ProcessSpec spec;
  ProcessResult result;
  bool ran = false;  // false: an earlier client failed first (clients in order)
};

// Runs the clients one after another (stopping at the first failure) or all at once.
void run_clients(ProcessRunner& runner, std::vector<ClientRun>& clients, bool parallel) {
  if (!parallel) {
    for (ClientRun& c : clients) {
      c.result = runner.run(c.spec);
      c.ran = true;
      if (!c.result.ok()) return;
    }
    return;
  }
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::exception_ptr error;
  for (ClientRun& c : clients)
    threads.emplace_back([&runner, &c, &mutex, &error] {
      try {
        c.result = runner.run(c.spec);
        c.ran = true;
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
      }
    });
  for (std::thread& t : threads) t.join();
  if (error) std::rethrow_exception(error);
}

// Appends files to a run's stdout or stderr target (a FIFO of BoundedOutput or a file).
class Sink {
 public:
  explicit Sink(const fs::path& target) {
    if (!target.empty()) fd_ = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  }
  ~Sink() {
    if (fd_ >= 0) ::close(fd_);
  }
  void write(std::string_view text) {
    while (fd_ >= 0 && !text.empty()) {
      ssize_t n = ::write(fd_, text.data(), text.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;
      text.remove_prefix(static_cast<size_t>(n));
    }
  }
  void append(const fs::path& file, const std::string& header = "") {
    std::string content = read_file_if_present(file);
    if (content.empty()) return;
    if (!header.empty()) write(header);
    write(content);
  }

 private:
  int fd_ = -1;
};

bool stopped_cleanly(const ProcessResult& server, int stop_signal) {
  if (server.spawn_failed || server.timed_out) return false;
  if (server.signal != 0) return server.signal == stop_signal;
  return server.exit_code == 0 || server.exit_code == 128 + stop_signal;
}

}  // namespace


std::optional<fs::path> exit_on_signal_library() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  const char* name = "libpgo-exit-on-signal.so";
  for (const fs::path& candidate : {self.parent_path() / name, self.parent_path() / "../runtime" / name,
                                    self.parent_path() / "../lib/pgo" / name})
    if (fs::is_regular_file(candidate, ec)) return candidate.lexically_normal();
  return std::nullopt;
}

void preload_library(std::map<std::string, std::string>& env, const fs::path& library) {
  std::string& preload = env["LD_PRELOAD"];
  if (preload.empty()) {
    const char* inherited = std::getenv("LD_PRELOAD");
    preload = inherited ? inherited : "";
  }
  preload = library.string() + (preload.empty() ? "" : ":" + preload);
}

ProcessResult run_service(ProcessRunner& runner, const ProcessSpec& spec) {
  const ServiceRun& service = *spec.service;
  const ServiceSpec& plan = service.spec;
  const auto started = Clock::now();
  const auto deadline = spec.timeout.count() > 0 ? started + spec.timeout : Clock::time_point::max();
  const std::string port = std::to_string(pick_free_port());
  auto with_port = [&](std::vector<std::string> argv) {
    for (std::string& arg : argv) arg = substitute_port(arg, port);
    return argv;
  };
  auto env_with_port = [&](std::map<std::string, std::string> env) {
    for (auto& [name, value] : env) value = substitute_port(value, port);
    return env;
  };
  ReadyCheck ready = plan.ready;
  ready.target = substitute_port(ready.target, port);
  const auto ready_timeout = ready.timeout * service.slowdown;
  const auto stop_grace = plan.stop_grace * service.slowdown;
  auto seconds = [](std::chrono::milliseconds value) {
    return format_duration(std::chrono::duration<double>(value).count());
  };
  const std::string stretched =
      service.slowdown > 1 ? ", x" + std::to_string(service.slowdown) + " on a simulated CPU" : "";
  std::optional<std::regex> pattern;
  if (ready.kind == ReadyCheck::Kind::Output) pattern.emplace(ready.target);

  TemporaryDirectory scratch("pgo-service");
  const fs::path server_log = scratch.path() / "server.log";
  ProcessResult result;

  std::vector<ClientRun> clients;
  for (size_t i = 0; i < plan.load.size(); ++i) {
    const LoadCommand& load = plan.load[i];
    for (int r = 0; r < load.repeat; ++r) {
      ClientRun c;
      c.label = "load[" + std::to_string(i) + "]" +
                (load.repeat > 1 ? " (run " + std::to_string(r + 1) + "/" + std::to_string(load.repeat) + ")" : "");
      c.spec.argv = load.shell ? std::vector<std::string>{"/bin/sh", "-c", substitute_port(load.argv.front(), port)}
                               : with_port(load.argv);
      c.spec.env = env_with_port(service.client_env);
      c.spec.cwd = spec.cwd;
      const std::string stem = "client." + std::to_string(clients.size());
      c.spec.stdout_file = scratch.path() / (stem + ".out");
      c.spec.stderr_file = scratch.path() / (stem + ".err");
      clients.push_back(std::move(c));
    }
  }

  std::string failure;
  std::optional<double> clients_s;
  {
    BoundedOutput log({server_log, {}});
    ProcessSpec server_spec = spec;
    server_spec.service = nullptr;
    server_spec.argv = with_port(spec.argv);
    server_spec.env = env_with_port(spec.env);
    server_spec.stdin_file.clear();
    server_spec.stdout_file = server_spec.stderr_file = log.target(0);
    Server server(runner, server_spec);

    // 3. Ready?
    const auto ready_by = std::min(deadline, Clock::now() + ready_timeout);
    bool is_up = false;
    while (!is_up && !server.done() && Clock::now() < ready_by && !interrupted()) {
      is_up = server.pgid() > 0 && is_ready(ready, spec.cwd, server_log, pattern);
      if (!is_up) std::this_thread::sleep_for(kPollInterval);
    }
    if (!is_up && !server.done() && !interrupted())
      failure = "service not ready after " + format_duration(std::chrono::duration<double>(Clock::now() - started).count()) +
                " (waited for " + describe_ready(ready) + "; ready.timeout is " + seconds(ready.timeout) + stretched + ")";

    // 4. Load.
    if (is_up) {
      for (ClientRun& c : clients) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        c.spec.timeout = deadline == Clock::time_point::max() ? std::chrono::milliseconds(0)
                                                              : std::max(left, std::chrono::milliseconds(1));
      }
      const auto load_start = Clock::now();
      run_clients(runner, clients, plan.parallel);
      clients_s = std::chrono::duration<double>(Clock::now() - load_start).count();
      for (const ClientRun& c : clients)
        if (c.ran && !c.result.ok() && failure.empty())
            failure = "load client " + c.label + " failed: " + c.result.describe() + "\n  $ " +
                      shell_quote_for_display(c.spec.argv);
    }

    // 5. Stop.
    const bool ended_early = server.done();
    if (!ended_early) {
      server.kill(plan.stop_signal);
      if (!server.wait(stop_grace)) {
        server.kill(SIGKILL);
        if (failure.empty())
          failure = "service did not stop within " + seconds(stop_grace) + " of " + signal_name(plan.stop_signal) +
                    (stretched.empty() ? "" : " (stop.grace " + seconds(plan.stop_grace) + stretched + ")") + "; its process group was killed (SIGKILL), so a profile "
                    "it writes at exit is missing (raise service.stop.grace, or stop it with another signal)";
      }
    }
    const ProcessResult& server_result = server.finish();
    log.finish();
    result.user_s = server_result.user_s;
    result.sys_s = server_result.sys_s;
    result.max_rss_kb = server_result.max_rss_kb;
    if (server_result.timed_out) {
      result.timed_out = true;
    } else if (server_result.spawn_failed) {
      result.spawn_failed = true;
      result.spawn_error = server_result.spawn_error;
    } else if (ended_early && failure.empty()) {
      failure = std::string(is_up ? "service exited under load: " : "service exited before it was ready: ") +
                server_result.describe();
    } else if (ended_early && is_up) {
      failure += "\n  (the service had exited: " + server_result.describe() + ")";
    } else if (!ended_early && failure.empty() && !stopped_cleanly(server_result, plan.stop_signal)) {
      failure = "service ended with " + server_result.describe() + " when stopped with " +
                signal_name(plan.stop_signal);
    }
  }
  if (!failure.empty() && !result.timed_out && !result.spawn_failed)
    result.failure = failure + "\n  service: " + shell_quote_for_display(with_port(spec.argv));
  result.exit_code = 0;  // what failed, if anything, is in timed_out, spawn_failed or failure
  result.wall_s = result.timed_out || !clients_s ? std::chrono::duration<double>(Clock::now() - started).count()
                                                 : *clients_s;

  // The clients' stdout in `load` order (deterministic with parallel: true as well); the
  // server's output, then each client's stderr, on stderr.
  auto write_stderr = [&](Sink& err) {
    err.append(server_log, "--- service output ---\n");
    for (const ClientRun& c : clients)
      err.append(c.spec.stderr_file, "--- " + c.label + " stderr: " + shell_quote_for_display(c.spec.argv) + " ---\n");
  };
  if (!spec.stdout_file.empty() && spec.stdout_file == spec.stderr_file) {
    Sink both(spec.stdout_file);
    for (const ClientRun& c : clients) both.append(c.spec.stdout_file);
    write_stderr(both);
  } else {
    {
      Sink out(spec.stdout_file);
      for (const ClientRun& c : clients) out.append(c.spec.stdout_file);
    }
    Sink err(spec.stderr_file);
    write_stderr(err);
  }
  throw_if_interrupted();
  return result;
}

}  // namespace pgo
