#include "cli/output_file.hpp"

#include <boost/program_options/errors.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <system_error>

namespace caviar::cli {

namespace fs = std::filesystem;

namespace {

std::string head_of(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(512, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

}  // namespace

bool is_caviar_report(const std::string& head) {
    return head.find("<meta name=\"generator\" content=\"caviar") != std::string::npos;
}

void write_output_file(const fs::path& file, const std::string& content, bool force,
                       bool (*ours)(const std::string& head)) {
    std::error_code ec;
    if (fs::exists(file, ec) && !force) {
        if (fs::is_directory(file, ec))
            throw boost::program_options::error(file.string() + " is a folder");
        const std::string head = head_of(file);
        if (!ours(head)) {
            const bool sqlite = head.rfind("SQLite format 3", 0) == 0;
            throw boost::program_options::error(
                file.string() + " exists and is " +
                (sqlite ? std::string("a SQLite database (a study's store?)")
                        : std::string("not a file caviar wrote")) +
                ": it is left as it is; write elsewhere, or give --force to replace it");
        }
    }
    const fs::path tmp = file.string() + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.close();
        if (!out) {
            fs::remove(tmp, ec);
            throw std::runtime_error("cannot write " + tmp.string());
        }
    }
    fs::rename(tmp, file, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot replace " + file.string() + ": " + ec.message());
    }
}

}  // namespace caviar::cli
