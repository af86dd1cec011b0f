// A small HTTP/1.1 client for the control service's tests: one request per connection
// (Connection: close), raw, so a test can send exactly the bytes it means (a wrong Host, a huge
// body, garbage) and read the reply as it comes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

namespace caviar::test {

struct http_reply {
    int status = 0;  // 0: no reply (the connection failed or closed first)
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string raw;
};

/// A connected socket to 127.0.0.1:port, or -1.
inline int http_connect(unsigned short port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Reads what arrives on fd for up to `ms` milliseconds, or until it closes.
inline std::string http_read(int fd, int ms) {
    std::string out;
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    char buf[8192];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        until - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

inline http_reply http_parse(const std::string& raw) {
    http_reply r;
    r.raw = raw;
    auto end = raw.find("\r\n\r\n");
    if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return r;
    r.status = std::stoi(raw.substr(9, 3));
    std::size_t i = raw.find("\r\n") + 2;
    while (i < end) {
        auto e = raw.find("\r\n", i);
        auto line = raw.substr(i, e - i);
        auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string v = colon == std::string::npos ? "" : line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(v.begin());
        r.headers[name] = v;
        i = e + 2;
    }
    r.body = raw.substr(end + 4);
    return r;
}

/// Sends `request` (the whole text, as given) and reads the reply until the server closes the
/// connection, or `ms` pass.
inline http_reply http_raw(unsigned short port, const std::string& request, int ms = 5000) {
    int fd = http_connect(port);
    if (fd < 0) return {};
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    auto raw = http_read(fd, ms);
    ::close(fd);
    return http_parse(raw);
}

/// A request with the usual headers: Host 127.0.0.1:PORT, the bearer token (unless empty),
/// Connection: close, and for a body Content-Type: application/json.
inline http_reply http_request(unsigned short port, const std::string& method,
                               const std::string& target, const std::string& token,
                               const std::string& body = "",
                               const std::map<std::string, std::string>& extra = {},
                               int ms = 15000) {
    std::map<std::string, std::string> h = {{"Host", "127.0.0.1:" + std::to_string(port)},
                                            {"Connection", "close"}};
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    if (method == "POST") {
        h["Content-Type"] = "application/json";
        h["Content-Length"] = std::to_string(body.size());
    }
    for (const auto& [k, v] : extra) {
        if (v.empty())
            h.erase(k);
        else
            h[k] = v;
    }
    std::string req = method + " " + target + " HTTP/1.1\r\n";
    for (const auto& [k, v] : h) req += k + ": " + v + "\r\n";
    return http_raw(port, req + "\r\n" + body, ms);
}

}  // namespace caviar::test
