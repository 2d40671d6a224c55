// escape: text from logs and file names made safe to show on a terminal or in a log line.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace wmihunt {

// `value` as one line that cannot act on a terminal or hide what it says: line breaks and
// TAB as \n \r \t; other C0 controls, DEL, C1 controls and bytes of invalid UTF-8 as
// \xHH; bidirectional overrides and isolates, zero-width and other invisible format
// characters (U+061C, U+200B-U+200F, U+2028-U+202E, U+2060-U+2069, U+FEFF) as \uXXXX.
// Everything else, backslashes included, is kept as it is, so escaping twice changes
// nothing more.
std::string terminal_escape(std::string_view value);

// A file name for a message on stderr: terminal_escape of its bytes (its UTF-8 on Windows).
std::string shown(const std::filesystem::path& path);

} // namespace wmihunt
