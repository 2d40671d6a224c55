// timefmt: formatting of event times (100 ns ticks since the Unix epoch).
#pragma once

#include <cstdint>
#include <string>

namespace wmihunt {

// Splunk's security_content_ctime format, "%Y-%m-%dT%H:%M:%S" in UTC. Sub-seconds are
// truncated (floored), never rounded, as Splunk's convert ctime does.
std::string format_splunk_time(int64_t ticks);

// ISO-8601 UTC with the full 100 ns precision: "2023-10-18T02:45:44.3067909Z".
std::string format_iso_time(int64_t ticks);

} // namespace wmihunt
