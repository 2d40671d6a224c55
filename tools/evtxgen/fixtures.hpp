// fixtures.hpp: regenerates every committed fixture from the scenario files of a folder.
#pragma once

#include <filesystem>
#include <vector>

#include "scenario.hpp"

namespace evtxgen {

// Runs every <scenarios>/*.json (in name order) into `out`. Returns the scenario names.
std::vector<std::string> write_fixtures(const std::filesystem::path& scenarios,
                                        const std::filesystem::path& out,
                                        const WriteOptions& options);

} // namespace evtxgen
