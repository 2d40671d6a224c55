// utf16.hpp: UTF-8 to UTF-16LE conversion for strings written into EVTX files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "byte_writer.hpp"

namespace evtxgen {

// Appends `utf8` as UTF-16LE code units to `out` and returns the number of code units.
// Throws std::invalid_argument on malformed UTF-8 (scenario text must be valid UTF-8).
std::size_t write_utf16le(std::string_view utf8, ByteWriter& out);

// Number of UTF-16 code units `utf8` converts to (same validation as write_utf16le).
std::size_t utf16_length(std::string_view utf8);

// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

} // namespace evtxgen
