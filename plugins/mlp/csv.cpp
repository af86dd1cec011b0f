#include "csv.hpp"

#include <zlib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace caviar::mlp {
namespace {

[[noreturn]] void fail(const std::filesystem::path& file, std::size_t line,
                       const std::string& what) {
    throw std::invalid_argument(file.string() + ":" + std::to_string(line) + ": " + what);
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
    throw std::invalid_argument(file.string() + ": " + what);
}

// The whole file, decompressed when it is gzip (gzread passes plain files through unchanged).
std::string read_all(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) fail(file, "no such file");
    if (std::filesystem::is_directory(file, ec)) fail(file, "is a directory, expected a CSV file");
    errno = 0;
    std::unique_ptr<gzFile_s, int (*)(gzFile)> gz(gzopen(file.c_str(), "rb"), gzclose);
    if (!gz)
        fail(file, std::string("cannot open: ") + (errno ? std::strerror(errno) : "zlib error"));
    gzbuffer(gz.get(), 1 << 17);
    std::string text;
    char buf[1 << 16];
    for (;;) {
        int n = gzread(gz.get(), buf, sizeof buf);
        if (n < 0) {
            int code = 0;
            const char* msg = gzerror(gz.get(), &code);
            fail(file,
                 std::string("cannot read: ") + (code == Z_ERRNO ? std::strerror(errno) : msg));
        }
        if (n == 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::optional<double> parse_number(std::string_view s) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);  // from_chars refuses a leading '+'
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

void split_fields(std::string_view line, std::vector<std::string_view>& out) {
    out.clear();
    for (;;) {
        auto comma = line.find(',');
        out.push_back(trim(line.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        line.remove_prefix(comma + 1);
    }
}

std::string quoted(std::string_view s) {
    constexpr std::size_t shown = 40;
    return "\"" + std::string(s.substr(0, shown)) + (s.size() > shown ? "...\"" : "\"");
}

}  // namespace

table read_csv(const std::filesystem::path& file) {
    const std::string text = read_all(file);

    std::vector<float> values;  // row-major: each row's features, contiguous
    std::vector<std::int64_t> labels;
    std::vector<std::string_view> fields;
    std::size_t width = 0;       // fields per row, fixed by the first data row
    std::size_t width_line = 0;  // the line that fixed it
    bool first = true;

    std::string_view rest(text);
    for (std::size_t line_no = 1; !rest.empty(); ++line_no) {
        auto nl = rest.find('\n');
        std::string_view line = trim(rest.substr(0, nl));
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        if (line.empty() || line.front() == '#') continue;

        split_fields(line, fields);
        if (first) {
            first = false;
            bool any_number = false;
            for (auto f : fields) any_number = any_number || parse_number(f).has_value();
            if (!any_number) continue;  // a header
        }
        if (fields.size() < 2)
            fail(file, line_no,
                 "a row needs at least one feature and a label, got " +
                     std::to_string(fields.size()) + " field");
        if (width == 0) {
            width = fields.size();
            width_line = line_no;
        } else if (fields.size() != width) {
            fail(file, line_no,
                 "row has " + std::to_string(fields.size()) + " fields, expected " +
                     std::to_string(width) + " (as on line " + std::to_string(width_line) + ")");
        }
        for (std::size_t i = 0; i + 1 < fields.size(); ++i) {
            auto v = parse_number(fields[i]);
            if (!v)
                fail(file, line_no,
                     "field " + std::to_string(i + 1) + " " + quoted(fields[i]) +
                         " is not a number");
            if (!std::isfinite(*v))
                fail(file, line_no,
                     "field " + std::to_string(i + 1) + " " + quoted(fields[i]) +
                         " is not a finite number");
            values.push_back(static_cast<float>(*v));
        }
        auto label = parse_number(fields.back());
        if (!label || !std::isfinite(*label) || std::trunc(*label) != *label ||
            std::fabs(*label) > 9.0e15)
            fail(file, line_no,
                 "label (last field) " + quoted(fields.back()) + " is not an integer class label");
        labels.push_back(static_cast<std::int64_t>(*label));
    }
    if (labels.empty()) fail(file, "has no data rows");

    table t;
    const auto features = static_cast<Eigen::Index>(width - 1);
    t.features =
        Eigen::Map<const matrix>(values.data(), features, static_cast<Eigen::Index>(labels.size()));
    t.labels = std::move(labels);
    return t;
}

}  // namespace caviar::mlp
