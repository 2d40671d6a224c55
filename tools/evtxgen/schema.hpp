// schema.hpp: the catalog of providers and event kinds evtxgen writes (System values, data fields).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "values.hpp"

namespace evtxgen {

struct ProviderSpec {
    std::string_view name;    // System/Provider/@Name
    std::string_view guid;    // System/Provider/@Guid, "{...}"
    std::string_view channel; // System/Channel
    // Whether string values carry a NUL code unit (and an empty string is 2 bytes), as the
    // provider's real events do (WMI-Activity and Security yes, Sysmon and SCM no).
    bool nul_terminated_strings;
};

// Where an event's values live in its XML.
enum class DataStyle {
    UserData,  // <UserData><Element xmlns=...><Child>%n</Child>...</Element></UserData>
    EventData, // <EventData><Data Name="Child">%n</Data>...[<Binary>%n</Binary>]</EventData>
};

struct FieldSpec {
    std::string_view name; // UserData child / Data Name; "Binary" with is_binary_element
    ValueType type;
    bool is_binary_element = false; // EventData <Binary> element instead of <Data Name=...>
};

// One (provider, event id) as written by evtxgen.
struct EventSpec {
    std::string_view kind; // scenario name of the kind, e.g. "wmi5860"
    const ProviderSpec* provider;
    std::uint16_t event_id;
    int qualifiers; // System/EventID/@Qualifiers, -1 when absent (written as Null)
    std::uint8_t version;
    std::uint8_t level;
    std::uint16_t task;
    std::uint8_t opcode;
    std::uint64_t keywords;
    DataStyle style;
    std::string_view user_data_element; // UserData style only
    std::string_view user_data_ns;      // UserData style only
    std::vector<FieldSpec> fields;
    // WMI-Activity message template with %1..%n (detections.md), empty for other providers.
    std::string_view message;
    // Sysmon kinds: the configuration schema version whose manifest layout the fields follow
    // ("4.00", "4.20", "4.90"); empty for other providers.
    std::string_view sysmon_schema = {};
};

extern const ProviderSpec kWmiActivity;
extern const ProviderSpec kSysmon;
extern const ProviderSpec kSecurity;
extern const ProviderSpec kServiceControlManager;
extern const ProviderSpec kWmiClassic;

// The Sysmon schema versions evtxgen writes, newest (the default) first.
inline constexpr std::string_view kSysmonSchemas[] = {"4.90", "4.20", "4.00"};

// All event kinds, in a fixed order; a Sysmon kind once per schema version, newest first.
const std::vector<EventSpec>& event_specs();

// The kind named `kind` ("wmi5857".."wmi5861", "sysmon1", "sysmon3", "sysmon11",
// "sysmon19".."sysmon21", "security4624", "system7036", "other5860"), or nullptr. Sysmon
// kinds: the newest schema's layout.
const EventSpec* find_event_spec(std::string_view kind);
// `kind` in the layout of Sysmon schema `sysmon_schema` (one of kSysmonSchemas), or nullptr.
const EventSpec* find_event_spec(std::string_view kind, std::string_view sysmon_schema);

// Index of field `name` in spec.fields, or -1.
int field_index(const EventSpec& spec, std::string_view name);

} // namespace evtxgen
