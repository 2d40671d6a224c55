// printers: a detection's rows as RFC 4180 CSV or as a table for a terminal.
#pragma once

#include "wmihunt/aggregator.hpp"
#include "wmihunt/detection.hpp"

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wmihunt {

// One CSV field: quoted (with doubled quotes) when it holds a comma, a quote, CR or LF,
// or begins or ends with a space; otherwise as is.
std::string csv_field(std::string_view value);

// Header (the detection's column names, then count, firstTime, lastTime) and one record
// per row, each terminated by CR LF as RFC 4180 asks. Newlines inside values are kept.
void write_csv(std::ostream& out, const Detection& detection, const std::vector<Row>& rows);

// `value` made safe and single-line for a terminal: backslash, C0/C1 control characters,
// DEL and invalid UTF-8 are shown as \n, \t, \r, \\, \xHH escapes, so no byte from a log
// can move the cursor or send an escape sequence.
std::string terminal_escape(std::string_view value);

// A titled, aligned table. Cells are escaped with terminal_escape and cut to
// `max_cell_width` characters with a trailing "…" when longer.
void write_table(std::ostream& out, const Detection& detection, const std::vector<Row>& rows,
                 size_t max_cell_width = 60);

} // namespace wmihunt
