// interrupt: async-signal-safe flags set by the signal handlers.
#include "wmihunt/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace wmihunt {

namespace {

// Lock-free atomics are async-signal-safe; static_asserts keep that true.
std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_output_closed{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_interrupt(int) {
    g_interrupted.store(true, std::memory_order_relaxed);
}

extern "C" void on_broken_pipe(int) {
    g_output_closed.store(true, std::memory_order_relaxed);
}

void install(int signal_number, void (*handler)(int), int flags) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    sigaction(signal_number, &action, nullptr);
}

} // namespace

void install_signal_handlers() {
    // SA_RESETHAND: the handler runs once, then the default action is back. No
    // SA_RESTART: a system call the signal interrupts fails with EINTR instead of
    // waiting on, so that a blocked read cannot hold the run.
    install(SIGINT, on_interrupt, SA_RESETHAND);
    install(SIGTERM, on_interrupt, SA_RESETHAND);
    install(SIGPIPE, on_broken_pipe, SA_RESTART);
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
