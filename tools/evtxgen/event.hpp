// event.hpp: one event to be written: its kind, System values and data values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "schema.hpp"
#include "values.hpp"

namespace evtxgen {

struct Event {
    const EventSpec* spec = nullptr;
    std::string computer;           // System/Computer (UTF-8)
    std::uint64_t time_created = 0; // FILETIME ticks; also the record header's written time
    std::uint32_t process_id = 0;
    std::uint32_t thread_id = 0;
    std::string activity_id;   // "{...}" or empty (written as a 16-byte Null, as Windows does)
    std::string user_sid;      // "S-1-..." or empty (Null)
    std::vector<Value> values; // one per spec->fields, in order
};

} // namespace evtxgen
