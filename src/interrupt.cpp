// interrupt: async-signal-safe flags set by the signal handlers.
#include "wmihunt/interrupt.hpp"

#include "wmihunt/platform.hpp"

#include <atomic>

namespace wmihunt {

namespace {

// Lock-free atomics are async-signal-safe; static_asserts keep that true.
std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_output_closed{false};
static_assert(std::atomic<bool>::is_always_lock_free);

void on_interrupt() {
    g_interrupted.store(true, std::memory_order_relaxed);
}

void on_output_closed() {
    g_output_closed.store(true, std::memory_order_relaxed);
}

} // namespace

void install_signal_handlers() {
    platform::install_interrupt_handlers(on_interrupt, on_output_closed);
}

bool interrupted() {
    return g_interrupted.load(std::memory_order_relaxed);
}

bool output_closed() {
    return g_output_closed.load(std::memory_order_relaxed);
}

void request_interrupt() {
    g_interrupted.store(true, std::memory_order_relaxed);
}

void clear_interrupt() {
    g_interrupted.store(false, std::memory_order_relaxed);
}

} // namespace wmihunt
