// fuzz_merge: libFuzzer target feeding arbitrary bytes, as a JSON Lines file, through
// `wmihunt merge` (the row reader, the merge of each view, the correlator, the printers):
// the rows a fleet's endpoints send back are not to be trusted.
#include "scratch.hpp"
#include "wmihunt/app.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const fuzz::Scratch scratch("wmihunt-fuzz-merge", ".jsonl");
    const std::string& path = scratch.write(data, size);
    // The file twice, as two runs: their rows merge with each other. The last byte picks
    // the printer.
    static const char* formats[] = {"jsonl", "table", "json", "csv"};
    std::vector<const char*> args = {
        "wmihunt",    "merge",     "-q", "-f", formats[size > 0 ? data[size - 1] & 3 : 0],
        path.c_str(), path.c_str()};
    std::ostringstream out, err;
    wmihunt::run(static_cast<int>(args.size()), args.data(), out, err);
    return 0;
}
