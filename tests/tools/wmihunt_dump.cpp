// wmihunt_dump: prints every record wmihunt's reader decodes, as JSON lines, so that
// tests can compare wmihunt's view of a file with other EVTX parsers. --recover adds
// the records libevtx recovers, marked "recovered": true.
#include "wmihunt/reader.hpp"
#include "wmihunt/timefmt.hpp"

#include <nlohmann/json.hpp>

#include <iostream>
#include <string_view>

int main(int argc, char** argv) {
    bool recover = argc == 3 && std::string_view(argv[1]) == "--recover";
    if (argc != 2 && !recover) {
        std::cerr << "usage: wmihunt_dump [--recover] FILE.evtx\n";
        return 2;
    }
    const char* path = argv[argc - 1];
    wmihunt::RecordSelector everything;
    everything.all = true;
    everything.recovered = recover;
    try {
        auto stats = wmihunt::read_evtx(path, everything, [](const wmihunt::RawRecord& r) {
            nlohmann::json line = {{"record_id", r.record_id},
                                   {"event_id", r.event_id},
                                   {"provider", r.provider},
                                   {"computer", r.computer},
                                   {"time_created", wmihunt::format_iso_time(r.time_created)},
                                   {"recovered", r.recovered},
                                   {"values", r.values},
                                   {"names", r.names}};
            std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      << "\n";
        });
        if (stats.records_failed > 0)
            std::cerr << path << ": " << stats.records_failed << " records skipped\n";
    } catch (const wmihunt::InputError& error) {
        std::cerr << path << ": " << error.what() << "\n";
        return 2;
    }
    return 0;
}
