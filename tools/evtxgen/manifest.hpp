// manifest.hpp: JSON lines describing the records evtxgen intended to write (for parser checks).
#pragma once

#include <cstdint>
#include <string>

#include "event.hpp"

namespace evtxgen {

// One JSON object (no trailing newline): record_id, event_id, provider, computer,
// time_created ("YYYY-MM-DDTHH:MM:SS.fffffffZ"), values (value_text of each data value, in
// order) and types (the EVTX value type of each, as a number).
std::string manifest_line(const Event& e, std::uint64_t record_id);

} // namespace evtxgen
