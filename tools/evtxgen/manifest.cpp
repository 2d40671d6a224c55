// manifest.cpp: JSON lines describing the records evtxgen intended to write (for parser checks).
#include "manifest.hpp"

#include <nlohmann/json.hpp>

namespace evtxgen {

std::string manifest_line(const Event& e, std::uint64_t record_id) {
    nlohmann::ordered_json j;
    j["record_id"] = record_id;
    j["event_id"] = e.spec->event_id;
    j["provider"] = std::string(e.spec->provider->name);
    j["computer"] = e.computer;
    j["time_created"] = filetime_iso(e.time_created);
    auto values = nlohmann::json::array();
    auto types = nlohmann::json::array();
    for (const auto& v : e.values) {
        values.push_back(value_text(v));
        types.push_back(static_cast<int>(v.type));
    }
    j["values"] = std::move(values);
    j["types"] = std::move(types);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

} // namespace evtxgen
