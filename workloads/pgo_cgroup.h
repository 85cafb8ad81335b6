// A cgroup v2 group per pgo process, where the kernel lets pgo make one (docs/reliability.md,
// "Survivors"). Everything pgo starts is born in it, so whatever escapes pgo's process tree
// (a daemon that double-forked away from a pgo that was then SIGKILLed) is still found: the
// group is killed whole when pgo exits, and the next pgo to take the store lock kills the
// group a killed one left. Where cgroup v2 is not mounted or not writable, nothing happens.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>

namespace pgo {

// Moves pgo into a new group "pgo.<pid>" beside its current one. False (and nothing done)
// when the kernel does not allow it.
bool enter_own_cgroup();

// At pgo's exit: moves pgo back to the group it came from, kills every process left in its
// own group (cgroup.kill) and removes the group.
void kill_own_cgroup();

// The group that pgo `pid` made, if it is there and `pid` is no longer a running pgo: kills
// what is in it and removes it. Returns how many processes it held (0: none, or no group).
size_t kill_cgroup_of_dead_pgo(pid_t pid);

// The directory of the group `pid` would make, beside pgo's own group; empty when there is
// no cgroup v2 here. (For tests and messages.)
std::filesystem::path cgroup_of_pgo(pid_t pid);

}  // namespace pgo
