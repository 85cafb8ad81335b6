// Killing what pgo's children leave behind: the rest of a child's session, the orphans that
// reach pgo as a child subreaper, and at the end everything that still descends from pgo.
// Used by the ProcessRunner (process.cc); docs/reliability.md, "Survivors".
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace pgo {

// SIGKILLs what is left of session `sid` until nothing of it runs (a process may fork while
// it is being killed); gives up after about two seconds (a process stuck in the kernel).
void kill_session(pid_t sid);

// SIGKILLs every direct child of pgo. Async-signal-safe (getdents64, open, read, kill).
void kill_direct_children();

// Whether pgo is a child subreaper (orphans of its descendants become its children).
bool is_child_subreaper();

// SIGKILLs the orphans of one run that were reparented to pgo (a daemon that left the run's
// session with setsid, a double fork), the sessions they lead and, round after round, the
// orphans that their deaths make; then reaps them. A run's processes are those whose
// environment carries `run_marker` (kRunMarkerVariable). `is_tracked` tells the children
// that runs still wait for, which are never touched.
void kill_orphans_of_run(const std::string& run_marker, const std::function<bool(pid_t)>& is_tracked);

// Reaps the zombie children of pgo that no run waits for and that left pgo's own session:
// orphans that ended by themselves. Call when no child is being started.
void reap_orphan_zombies(const std::function<bool(pid_t)>& is_tracked);

// SIGKILLs and reaps every child of pgo, round after round, until none is left (about two
// seconds at most): what still descends from pgo when it exits.
void kill_and_reap_all_children();

}  // namespace pgo
