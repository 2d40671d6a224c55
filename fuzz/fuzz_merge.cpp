// fuzz_merge: libFuzzer target feeding arbitrary bytes, as a JSON Lines file, through
// `wmihunt merge` (the row reader, the merge of each view, the correlator, the printers):
// the rows a fleet's endpoints send back are not to be trusted.
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
                        ("wmihunt-fuzz-merge-" + std::to_string(::getpid()) + ".jsonl"))
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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream file(scratch_path(), std::ios::binary | std::ios::trunc);
        file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    // The file twice, as two runs: their rows merge with each other. The last byte picks
    // the printer.
    static const char* formats[] = {"jsonl", "table", "json", "csv"};
    std::vector<const char*> args = {"wmihunt", "merge", "-q", "-f",
                                     formats[size > 0 ? data[size - 1] & 3 : 0],
                                     scratch_path().c_str(), scratch_path().c_str()};
    std::ostringstream out, err;
    wmihunt::run(static_cast<int>(args.size()), args.data(), out, err);
    return 0;
}
