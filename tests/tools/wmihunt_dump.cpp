// wmihunt_dump: prints every record wmihunt's reader decodes, as JSON lines, so that
// tests can compare wmihunt's view of a file with other EVTX parsers.
#include "wmihunt/reader.hpp"
#include "wmihunt/timefmt.hpp"

#include <nlohmann/json.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: wmihunt_dump FILE.evtx\n";
        return 2;
    }
    wmihunt::RecordSelector everything;
    everything.all = true;
    try {
        auto stats = wmihunt::read_evtx(argv[1], everything, [](const wmihunt::RawRecord& r) {
            nlohmann::json line = {{"record_id", r.record_id},
                                   {"event_id", r.event_id},
                                   {"provider", r.provider},
                                   {"computer", r.computer},
                                   {"time_created", wmihunt::format_iso_time(r.time_created)},
                                   {"values", r.values}};
            std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << "\n";
        });
        if (stats.records_failed > 0)
            std::cerr << argv[1] << ": " << stats.records_failed << " records skipped\n";
    } catch (const wmihunt::InputError& error) {
        std::cerr << argv[1] << ": " << error.what() << "\n";
        return 2;
    }
    return 0;
}
