#include "serve/access.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

namespace caviar {

namespace {

// Constant time, so the token cannot be guessed a byte at a time from response times.
bool same(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string url_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 &&
            hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::optional<std::string> cookie_value(const std::string& header, const std::string& name) {
    std::size_t i = 0;
    while (i < header.size()) {
        while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
        auto eq = header.find('=', i);
        if (eq == std::string::npos) break;
        auto end = header.find(';', eq);
        if (end == std::string::npos) end = header.size();
        if (header.compare(i, eq - i, name) == 0) return header.substr(eq + 1, end - eq - 1);
        i = end;
    }
    return std::nullopt;
}

}  // namespace

std::string new_token() {
    std::random_device rd;  // /dev/urandom on Linux
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i) {
        std::uint32_t x = rd();
        for (int k = 0; k < 8; ++k) {
            out += digits[x & 15];
            x >>= 4;
        }
    }
    return out;
}

void write_token(const std::filesystem::path& file, const std::string& token) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    std::filesystem::remove(file, ec);  // a file another user made would keep its mode
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot write the token file " + file.string() + ": " +
                                 std::strerror(errno));
    std::string text = token + "\n";
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write the token file " + file.string());
}

std::optional<std::string> query_param(const std::string& target, const std::string& name) {
    auto q = target.find('?');
    if (q == std::string::npos) return std::nullopt;
    std::size_t i = q + 1;
    while (i <= target.size()) {
        auto end = target.find('&', i);
        if (end == std::string::npos) end = target.size();
        auto pair = target.substr(i, end - i);
        auto eq = pair.find('=');
        if (url_decode(pair.substr(0, eq)) == name)
            return eq == std::string::npos ? std::string() : url_decode(pair.substr(eq + 1));
        i = end + 1;
    }
    return std::nullopt;
}

std::string target_path(const std::string& target) {
    return target.substr(0, target.find('?'));
}

bool access_rules::query_token(const std::string& target) const {
    auto t = query_param(target, "token");
    return t && same(*t, token);
}

std::optional<std::pair<int, std::string>> access_rules::check(const request_facts& r) const {
    if (std::find(hosts.begin(), hosts.end(), lower(r.host)) == hosts.end())
        return std::pair{403, "the Host header \"" + r.host +
                                  "\" does not name this service (it answers to " +
                                  (hosts.empty() ? std::string() : hosts.front()) + ")"};
    bool by_cookie = false, authorised = false;
    if (r.authorization.rfind("Bearer ", 0) == 0)
        authorised = same(r.authorization.substr(7), token);
    if (!authorised)
        if (auto c = cookie_value(r.cookie, token_cookie); c && same(*c, token))
            authorised = by_cookie = true;
    if (!authorised && r.method == "GET" && target_path(r.target) == "/" && query_token(r.target))
        authorised = true;
    if (!authorised)
        return std::pair{401, std::string("no token or a wrong one: give the one the service "
                                          "printed (Authorization: Bearer TOKEN, or open the "
                                          "page's address with ?token=TOKEN)")};
    if (r.method == "POST") {
        const std::string self = "http://" + lower(r.host);
        if (!r.origin.empty() && lower(r.origin) != self)
            return std::pair{403, "a cross-origin request (Origin " + r.origin +
                                      ") may not change "
                                      "the study"};
        if (by_cookie && r.origin.empty())
            return std::pair{403, std::string("a request with the page's cookie must say its "
                                              "Origin")};
        if (lower(r.content_type).rfind("application/json", 0) != 0)
            return std::pair{400, std::string("a POST must carry a JSON body "
                                              "(Content-Type: application/json)")};
    } else if (r.method != "GET" && r.method != "HEAD") {
        return std::pair{405, "method " + r.method + " is not allowed"};
    }
    return std::nullopt;
}

}  // namespace caviar
