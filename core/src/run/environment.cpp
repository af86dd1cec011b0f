#include "run/environment.hpp"

#include "report/counted.hpp"

#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace caviar::environment {

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::uintmax_t big_file = std::uintmax_t{64} << 20;  // hashed with a progress line

std::string to_hex(const unsigned char* bytes, unsigned n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 15];
    }
    return out;
}

// Lines of a gzip file's text (newlines, plus a last line without one).
std::int64_t gz_lines(const fs::path& file) {
    gzFile f = gzopen(file.c_str(), "rb");
    if (!f) return -1;
    std::int64_t lines = 0;
    char last = '\n';
    char buf[1 << 16];
    for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) {
        lines += std::count(buf, buf + n, '\n');
        last = buf[n - 1];
    }
    gzclose(f);
    return lines + (last != '\n');
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("model name", 0) != 0) continue;
        auto colon = line.find(':');
        if (colon == std::string::npos) break;
        auto text = line.substr(colon + 1);
        text.erase(0, text.find_first_not_of(" \t"));
        return text;
    }
    return "unknown";
}

double mtime_of(const fs::path& file) {
    auto t = fs::last_write_time(file);
    auto since = std::chrono::duration_cast<std::chrono::duration<double>>(
        std::chrono::file_clock::to_sys(t).time_since_epoch());
    return since.count();
}

// The previous fingerprint's entry with this path, size and mtime, if any: its hash holds.
const json* unchanged(const json& previous_entries, const std::string& path, std::uintmax_t size,
                      double mtime) {
    if (!previous_entries.is_array()) return nullptr;
    for (const auto& e : previous_entries)
        if (e.value("path", "") == path && e.value("size", std::uintmax_t{0}) == size &&
            e.value("mtime", 0.0) == mtime && e.contains("sha256"))
            return &e;
    return nullptr;
}

// path, size, mtime, sha256 and (for data) lines of one file.
json describe_file(const fs::path& file, const json& previous_entries, bool count_lines,
                   std::FILE* progress) {
    json e;
    e["path"] = file.string();
    const auto size = fs::file_size(file);
    const double mtime = mtime_of(file);
    e["size"] = size;
    e["mtime"] = mtime;
    if (const json* same = unchanged(previous_entries, file.string(), size, mtime)) {
        e["sha256"] = (*same)["sha256"];
        if (same->contains("lines")) e["lines"] = (*same)["lines"];
        return e;
    }
    // Read once per process too (caviar retune fingerprints the new study before it runs).
    static std::mutex cache_mutex;
    static std::map<std::string, json> cache;
    const std::string key = file.string() + '\n' + std::to_string(size) + '\n' +
                            std::to_string(mtime) + (count_lines ? "\nlines" : "");
    {
        std::lock_guard lock(cache_mutex);
        if (auto it = cache.find(key); it != cache.end()) {
            for (const char* k : {"sha256", "lines"})
                if (it->second.contains(k)) e[k] = it->second[k];
            return e;
        }
    }
    const bool announce = progress && size >= big_file;
    if (announce)
        std::fprintf(progress, "hashing %s (%.1f MB) for the study's environment fingerprint\n",
                     file.c_str(), static_cast<double>(size) / 1e6);
    int last_tenth = 0;
    // A plain file's lines are counted in the same read as its hash.
    const bool gz = file.extension() == ".gz";
    std::int64_t lines = 0;
    char last = '\n';
    e["sha256"] =
        sha256_file(file, [&](std::string_view block, std::uintmax_t done, std::uintmax_t total) {
            if (count_lines && !gz && !block.empty()) {
                lines += std::count(block.begin(), block.end(), '\n');
                last = block.back();
            }
            int tenth = total ? static_cast<int>(10 * done / total) : 10;
            if (announce && tenth > last_tenth && tenth < 10) {
                std::fprintf(progress, "  %d%%\n", 10 * tenth);
                last_tenth = tenth;
            }
        });
    if (count_lines) {
        if (gz)
            lines = gz_lines(file);
        else
            lines += last != '\n';
        if (lines >= 0) e["lines"] = lines;
    }
    std::lock_guard lock(cache_mutex);
    cache[key] = e;
    return e;
}

json describe_plugin(const loaded_plugin& p, const json& previous) {
    json e = describe_file(p.file, previous.is_object() ? json::array({previous}) : json(), false,
                           nullptr);
    json out;
    out["name"] = p.info.name;
    out["version"] = p.info.version;
    out["library"] = e["path"];
    out["size"] = e["size"];
    out["mtime"] = e["mtime"];
    out["sha256"] = e["sha256"];
    return out;
}

std::string short_hash(const json& e) {
    auto h = e.value("sha256", std::string());
    return h.substr(0, 8) + "…";
}

std::string file_name(const json& e) {
    return fs::path(e.value("path", std::string())).filename().string();
}

}  // namespace

std::string sha256_file(
    const fs::path& file,
    const std::function<void(std::string_view, std::uintmax_t, std::uintmax_t)>& on_block) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    std::error_code ec;
    const auto total = fs::file_size(file, ec);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("sha256: cannot start a digest");
    std::vector<char> buf(std::size_t{1} << 20);
    std::uintmax_t done = 0;
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
        auto n = static_cast<std::size_t>(in.gcount());
        EVP_DigestUpdate(ctx.get(), buf.data(), n);
        done += n;
        if (on_block) on_block(std::string_view(buf.data(), n), done, total);
    }
    if (in.bad()) throw std::runtime_error("cannot read " + file.string());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_DigestFinal_ex(ctx.get(), digest, &length);
    return to_hex(digest, length);
}

json fingerprint(const study_setup& s, const json& previous, std::FILE* progress) {
    json out;
    out["caviar"] = CAVIAR_VERSION;
    out["machine"] = {{"cores", std::thread::hardware_concurrency()}, {"cpu", cpu_model()}};
    const json no_previous;
    const json& old_plugins =
        previous.is_object() && previous.contains("plugins") ? previous["plugins"] : no_previous;
    const json& old_files =
        previous.is_object() && previous.contains("files") ? previous["files"] : no_previous;
    struct part {
        const char* table;
        const loaded_plugin& plugin;
        const options& opts;
    };
    const part parts[] = {{"sampler", s.sampler_plugin, s.sampler_options},
                          {"strategy", s.strategy_plugin, s.strategy_options},
                          {"model", s.model_plugin, s.model_options}};
    json files = json::array();
    for (const auto& p : parts) {
        const json& before = old_plugins.is_object() && old_plugins.contains(p.table)
                                 ? old_plugins[p.table]
                                 : no_previous;
        json was = before;
        if (was.is_object() && was.contains("library")) was["path"] = was["library"];
        if (!p.plugin.file.empty() && fs::is_regular_file(p.plugin.file))
            out["plugins"][p.table] = describe_plugin(p.plugin, was);
        else
            out["plugins"][p.table] = {{"name", p.plugin.info.name},
                                       {"version", p.plugin.info.version}};
        for (const auto& spec : p.plugin.info.options) {
            if (spec.type != option_type::path || !p.opts.has(spec.name)) continue;
            const std::string& value = p.opts.get_string(spec.name);
            std::error_code ec;
            if (value.empty() || !fs::is_regular_file(value, ec)) continue;
            json e = describe_file(value, old_files, true, progress);
            e["option"] = std::string(p.table) + "." + spec.name;
            files.push_back(std::move(e));
        }
    }
    out["files"] = std::move(files);
    return out;
}

std::vector<change> changes(const json& before, const json& after) {
    std::vector<change> out;
    if (!before.is_object() || !after.is_object()) return out;
    // Data files, matched by the option that names them.
    auto by_option = [](const json& fp) {
        std::map<std::string, json> m;
        if (fp.contains("files") && fp["files"].is_array())
            for (const auto& e : fp["files"]) m[e.value("option", std::string())] = e;
        return m;
    };
    auto old_files = by_option(before), new_files = by_option(after);
    for (const auto& [option, n] : new_files) {
        auto name = option.substr(option.find('.') + 1);
        auto it = old_files.find(option);
        if (it == old_files.end()) {
            out.push_back({name + ": now " + file_name(n) + " sha256 " + short_hash(n)});
            continue;
        }
        const json& o = it->second;
        if (o.value("sha256", "") == n.value("sha256", "")) continue;
        std::string line = name + ": " + file_name(o) + " sha256 " + short_hash(o) + " → " +
                           file_name(n) + " " + short_hash(n);
        if (o.contains("lines") && n.contains("lines") && o["lines"] != n["lines"])
            line += ", " + grouped(o["lines"].get<std::int64_t>()) + " → " +
                    grouped(n["lines"].get<std::int64_t>()) + " lines";
        else if (o.value("size", 0) != n.value("size", 0))
            line += ", " + grouped(o.value("size", std::int64_t{0})) + " → " +
                    grouped(n.value("size", std::int64_t{0})) + " bytes";
        else
            line += ", same size: the content was edited";
        out.push_back({line});
    }
    for (const auto& [option, o] : old_files)
        if (!new_files.count(option))
            out.push_back(
                {option.substr(option.find('.') + 1) + ": " + file_name(o) + " no longer read"});
    // The plugins.
    for (const char* table : {"sampler", "strategy", "model"}) {
        const json none = json::object();
        const json& o = before.contains("plugins") && before["plugins"].contains(table)
                            ? before["plugins"][table]
                            : none;
        const json& n = after.contains("plugins") && after["plugins"].contains(table)
                            ? after["plugins"][table]
                            : none;
        auto name = [](const json& p) { return p.value("name", std::string("?")); };
        auto version = [](const json& p) { return p.value("version", std::string("?")); };
        // The model makes a trial's result; the sampler and strategy only choose which trials
        // run, so a change of theirs does not make two environments.
        const bool significant = std::string_view(table) == "model";
        std::string line;
        if (name(o) != name(n))
            line = name(o) + " " + version(o) + " → " + name(n) + " " + version(n);
        else if (version(o) != version(n))
            line = name(n) + " " + version(o) + " → " + version(n);
        else if (o.value("sha256", "") != n.value("sha256", ""))
            line = name(n) + " " + version(n) + ": its library changed (sha256 " + short_hash(o) +
                   " → " + short_hash(n) + ")";
        if (!line.empty()) out.push_back({std::string(table) + " " + line, significant});
    }
    if (before.value("caviar", "") != after.value("caviar", ""))
        out.push_back({"caviar " + before.value("caviar", std::string("?")) + " → " +
                       after.value("caviar", std::string("?"))});
    const json none = json::object();
    const json& om = before.contains("machine") ? before["machine"] : none;
    const json& nm = after.contains("machine") ? after["machine"] : none;
    if (om != nm) {
        std::string line = "machine: ";
        if (om.value("cpu", "") != nm.value("cpu", ""))
            line += om.value("cpu", std::string("?")) + " → " + nm.value("cpu", std::string("?"));
        if (om.value("cores", 0) != nm.value("cores", 0))
            line += std::string(line.size() > 9 ? ", " : "") +
                    std::to_string(om.value("cores", 0)) + " → " +
                    std::to_string(nm.value("cores", 0)) + " cores";
        out.push_back({line, false});
    }
    return out;
}

std::string describe(const json& fp, const std::string& indent) {
    if (!fp.is_object()) return indent + "(unreadable)\n";
    std::string out = indent + "caviar " + fp.value("caviar", std::string("?"));
    if (fp.contains("machine"))
        out += " on " + fp["machine"].value("cpu", std::string("?")) + " (" +
               std::to_string(fp["machine"].value("cores", 0)) + " cores)";
    out += "\n";
    if (fp.contains("plugins"))
        for (const char* table : {"model", "sampler", "strategy"}) {
            if (!fp["plugins"].contains(table)) continue;
            const auto& p = fp["plugins"][table];
            out += indent + table + " " + p.value("name", std::string("?")) + " " +
                   p.value("version", std::string("?"));
            if (p.contains("library"))
                out += " (" + fs::path(p.value("library", std::string())).filename().string() +
                       " sha256 " + short_hash(p) + ")";
            out += "\n";
        }
    if (fp.contains("files"))
        for (const auto& f : fp["files"]) {
            out += indent + f.value("option", std::string("?")) + ": " +
                   f.value("path", std::string("?")) + ": " +
                   grouped(f.value("size", std::int64_t{0})) + " bytes";
            if (f.contains("lines"))
                out += ", " + grouped(f["lines"].get<std::int64_t>()) + " lines";
            out += ", sha256 " + short_hash(f) + "\n";
        }
    return out;
}

}  // namespace caviar::environment
