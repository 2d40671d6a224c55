// fixtures.cpp: regenerates every committed fixture from the scenario files of a folder.
#include "fixtures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace evtxgen {

std::vector<std::string> write_fixtures(const std::filesystem::path& scenarios,
                                        const std::filesystem::path& out,
                                        const WriteOptions& options) {
    if (!std::filesystem::is_directory(scenarios))
        throw std::invalid_argument(fmt::format("no scenario folder {}", scenarios.string()));
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(scenarios))
        if (entry.is_regular_file() && entry.path().extension() == ".json")
            files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::filesystem::create_directories(out);
    std::vector<std::string> names;
    for (const auto& f : files) {
        const Scenario s = load_scenario(f);
        write_scenario(s, out, options);
        names.push_back(s.name);
    }
    return names;
}

} // namespace evtxgen
