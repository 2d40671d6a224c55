// fuzz_report: libFuzzer target feeding arbitrary bytes as log text into the report: as
// html_text and as a subscription's fields in a whole report, no byte of it may become
// markup (no < > " ' left, every & a reference), and the text must stay valid UTF-8.
#include "wmihunt/report.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

namespace {

bool valid_utf8(const std::string& text) {
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        size_t length = c < 0x80         ? 1
                        : (c >> 5) == 6  ? 2
                        : (c >> 4) == 14 ? 3
                        : (c >> 3) == 30 ? 4
                                         : 0;
        if (length == 0 || i + length > text.size())
            return false;
        for (size_t k = 1; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
                return false;
        i += length;
    }
    return true;
}

// Every & opens one of the references html_text writes.
bool references_only(const std::string& text) {
    for (size_t at = text.find('&'); at != std::string::npos; at = text.find('&', at + 1)) {
        bool known = false;
        for (const char* reference : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
            known = known ||
                    text.compare(at, std::char_traits<char>::length(reference), reference) == 0;
        if (!known)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    std::string text = wmihunt::html_text(input);
    if (text.find_first_of("<>\"'") != std::string::npos || !references_only(text) ||
        !valid_utf8(text))
        std::abort();

    // The same bytes as every text of a subscription: the report's markup is the
    // template's alone, so the count of '<' does not depend on them.
    auto render = [](const std::string& value) {
        wmihunt::ReportCase report;
        wmihunt::Subscription s;
        s.host = s.filter = s.consumer = s.consumer_type = s.action = s.query = value;
        s.kind = "permanent";
        s.verdict = "unknown";
        s.state = "active";
        s.sightings = {{0, "5861", value}};
        s.evidence = {{"5861", 1}};
        report.subscriptions.push_back(s);
        std::ostringstream out;
        wmihunt::write_report(out, report, wmihunt::PrintOptions{});
        return out.str();
    };
    if (input.empty())
        return 0; // an empty field is left out, which changes the markup
    std::string html = render(input);
    static const std::string plain = render("x");
    auto tags = [](const std::string& page) {
        size_t n = 0;
        for (char c : page)
            n += c == '<' ? 1 : 0;
        return n;
    };
    if (tags(html) != tags(plain) || !valid_utf8(html))
        std::abort();
    return 0;
}
