// interrupt: SIGINT and SIGPIPE turned into flags that the scan and the command poll.
#pragma once

namespace wmihunt {

// Installs the handlers: the first SIGINT or SIGTERM sets interrupted() (a second one
// ends the process the default way, for an analyst who really wants out now), and a system
// call it interrupts fails with EINTR rather than being restarted; SIGPIPE
// sets output_closed() instead of killing the process, so writes to a closed pipe
// fail and the command can end quietly.
void install_signal_handlers();

// True once an interrupt was requested. Cheap enough to poll per record.
bool interrupted();

// True once a write hit a closed pipe (SIGPIPE was raised).
bool output_closed();

// Sets or clears the interrupt flag directly: for tests, and for callers that stop a
// scan for reasons of their own.
void request_interrupt();
void clear_interrupt();

} // namespace wmihunt
