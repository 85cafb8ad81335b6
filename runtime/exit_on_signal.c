/* libpgo-exit-on-signal.so: preloaded (LD_PRELOAD) by pgo into a service's server while it
 * trains, so that a server stopped by a signal it does not handle still writes its profile.
 *
 * LLVM's profile runtime writes the .profraw from an atexit handler and libgcov writes the
 * .gcda files from a destructor: both run on exit(), neither runs when the default action of
 * SIGTERM kills the process. For SIGTERM, SIGINT and SIGHUP whose disposition is still the
 * default when the program starts, this library installs a handler that calls exit(128 + sig)
 * (the status a shell reports for a death by that signal), and so the profile gets written.
 *
 * What it leaves alone: a signal the program ignores (nohup's SIGHUP), and any handler the
 * program installs itself later (it replaces this one; such a program keeps its profile only
 * if it then exits normally). exit() is not async-signal-safe; pgo sends the stop signal only
 * after the load has finished, when the server is idle in accept/poll/epoll_wait, where
 * running atexit handlers from a signal handler is safe in practice.
 *
 * Plain C, no dependencies beyond libc, nothing exported: it must load into any program. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>

static const int kStopSignals[] = {SIGTERM, SIGINT, SIGHUP};
enum { kStopSignalCount = sizeof kStopSignals / sizeof kStopSignals[0] };

static void exit_on_stop_signal(int sig) { exit(128 + sig); }

__attribute__((constructor)) static void install_exit_on_stop_signals(void) {
  struct sigaction exit_action = {0};
  exit_action.sa_handler = exit_on_stop_signal;
  /* All stop signals stay blocked while the handler runs, i.e. for the whole exit(): a
   * second SIGTERM or a SIGINT cannot cut the profile's writing short (pgo's SIGKILL after
   * the grace period still can). */
  sigemptyset(&exit_action.sa_mask);
  for (int i = 0; i < kStopSignalCount; ++i) sigaddset(&exit_action.sa_mask, kStopSignals[i]);
  exit_action.sa_flags = SA_RESTART;

  for (int i = 0; i < kStopSignalCount; ++i) {
    struct sigaction current;
    if (sigaction(kStopSignals[i], NULL, &current) != 0) continue;
    if (current.sa_handler != SIG_DFL) continue;  /* ignored or handled: the program's choice */
    sigaction(kStopSignals[i], &exit_action, NULL);
  }
}
