// fuzz_evtx: libFuzzer target feeding arbitrary bytes, as an .evtx file, through the whole
// command (inputs, reader, detections, aggregators, the timeline, the subscription
// correlator, the printers).
#include "scratch.hpp"
#include "wmihunt/app.hpp"

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace {

const fuzz::Scratch& scratch() {
    static const fuzz::Scratch file("wmihunt-fuzz", ".evtx");
    return file;
}

void run_with(std::vector<const char*> args) {
    std::ostringstream out, err;
    args.insert(args.begin(), "wmihunt");
    args.push_back(scratch().path().c_str());
    wmihunt::run(static_cast<int>(args.size()), args.data(), out, err);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    scratch().write(data, size);
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
