// fuzz_options: libFuzzer target feeding arbitrary command lines (NUL-separated words)
// through option parsing and validation, and the detections a valid Config selects.
#include "wmihunt/config.hpp"

#include <CLI/CLI.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<std::string> words;
    std::string word;
    for (size_t i = 0; i < size; ++i) {
        if (data[i] == 0) {
            words.push_back(word);
            word.clear();
        } else {
            word += static_cast<char>(data[i]);
        }
    }
    words.push_back(word);
    std::vector<const char*> argv{"wmihunt"};
    for (const auto& w : words)
        argv.push_back(w.c_str());

    CLI::App app;
    wmihunt::RawOptions raw;
    wmihunt::add_options(app, raw);
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::Error&) {
        return 0;
    }
    try {
        wmihunt::Config config = wmihunt::make_config(raw);
        for (const wmihunt::Detection* detection : config.detections)
            wmihunt::CompiledDetection compiled(*detection, config.default_exclusions);
    } catch (const wmihunt::UsageError&) {
    }
    return 0;
}
