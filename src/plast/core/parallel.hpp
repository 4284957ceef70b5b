#pragma once
// parallel_for over independent work items (candidates, grid points, trials). Items are handed out
// dynamically; results must be written to per-item slots, so the outcome never depends on the
// thread count. The first exception thrown by any item is rethrown after all threads stop.
#include <cstddef>
#include <functional>

namespace plast {

// threads <= 0 means std::thread::hardware_concurrency().
void parallel_for(std::size_t n, int threads, const std::function<void(std::size_t)>& body);

int resolve_threads(int threads);

} // namespace plast
