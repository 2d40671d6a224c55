// event_source.hpp: realistic default values for each event kind (what Windows hosts log).
#pragma once

#include <cstdint>
#include <string_view>

#include "event.hpp"
#include "rng.hpp"

namespace evtxgen {

// The Splunk default-excluded values (detections.md), as logged by Windows.
inline constexpr std::string_view kSecurityCenterQuery =
    "SELECT * FROM __InstanceOperationEvent WHERE TargetInstance ISA 'AntiVirusProduct' OR "
    "TargetInstance ISA 'FirewallProduct' OR TargetInstance ISA 'AntiSpywareProduct'";
inline constexpr std::string_view kWsmprovhostQuery =
    "SELECT * FROM Win32_ProcessStartTrace WHERE ProcessName = 'wsmprovhost.exe'";
inline constexpr std::string_view kScmConsumer =
    "NTEventLogEventConsumer=\"SCM Event Log Consumer\"";

// Sets every field of `e` for `spec` to a realistic value chosen with `rng`: host `computer`,
// time `time` (FILETIME). WMI 5860/5861 defaults are Windows' own (default-excluded)
// subscriptions. Reuses e.values' storage.
void fill_default_event(const EventSpec& spec, std::string_view computer, std::uint64_t time,
                        Rng& rng, Event& e);

// The MOF text Windows logs as 5861 PossibleCause for a filter/consumer binding.
std::string binding_possible_cause(std::string_view filter_name, std::string_view filter_query,
                                   std::string_view consumer_class, std::string_view consumer_name,
                                   std::string_view consumer_body);

} // namespace evtxgen
