// fuzz_evtx: libFuzzer target feeding arbitrary bytes, as an .evtx file, through the whole
// command (inputs, reader, detections, aggregators, the timeline, the subscription
// correlator, the printers).
#include "wmihunt/app.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

// One scratch file per fuzzing process, rewritten for every input and removed at exit.
struct Scratch {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("wmihunt-fuzz-" + std::to_string(::getpid()) + ".evtx"))
                           .string();
    ~Scratch() {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
    }
};

const std::string& scratch_path() {
    static const Scratch scratch;
    return scratch.path;
}

void run_with(std::vector<const char*> args) {
    std::ostringstream out, err;
    args.insert(args.begin(), "wmihunt");
    args.push_back(scratch_path().c_str());
    wmihunt::run(static_cast<int>(args.size()), args.data(), out, err);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream file(scratch_path(), std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    // The last byte picks the view and printer, so each sees every kind of content at a
    // fraction of the cost of running all of them on every input.
    switch (size > 0 ? data[size - 1] & 3 : 0) {
    case 0:
        run_with({"--recover", "--no-default-exclusions"});
        break;
    case 1:
        run_with({"-f", "csv", "-d", "permanent", "--recover", "--no-default-exclusions"});
        break;
    case 2:
        run_with({"--subscriptions", "--recover"});
        break;
    default:
        run_with({"--events", "-f", "jsonl", "--recover"});
        break;
    }
    return 0;
}
