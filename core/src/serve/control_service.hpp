// The control service: the live page and its API over HTTP (Boost.Asio and Beast), on a thread
// of its own, for one study of one store. It reads the study from the store with its own
// connection and sends actions through the study's command inbox, so it serves a study that this
// process runs (caviar run --serve) or that another process runs (caviar serve STORE) the same
// way, and a worker never waits on it.
//
// Security: a random token per service; the Host header must name the bound address; a change
// must be a same-origin POST of JSON; bodies at most 64 KiB, header and idle timeouts, a cap on
// connections, slow readers of the push stream dropped. Binding an address other than loopback
// needs allow_public.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace caviar {

struct service_settings {
    std::string address = "127.0.0.1";
    unsigned short port = 0;  // 0: any free port
    bool allow_public = false;
    std::filesystem::path store;
    std::string study;
    std::size_t max_connections = 256;
    /// Where the token is written (mode 0600); empty: beside the store, STORE-files/STUDY.
    std::filesystem::path token_file;
};

class control_service {
public:
    /// Binds, opens the store, and starts serving; throws std::runtime_error with the reason
    /// (address in use, not loopback without allow_public, no such study).
    explicit control_service(service_settings s);
    ~control_service();  // stops
    control_service(const control_service&) = delete;
    control_service& operator=(const control_service&) = delete;

    /// http://ADDRESS:PORT/?token=TOKEN: the address to open the live page at.
    std::string url() const;
    std::string base_url() const;  // without the token
    const std::string& token() const;
    unsigned short port() const;
    const std::filesystem::path& token_file() const;
    /// Stops accepting and closes every connection; joins the service's thread.
    void stop();

    struct impl;  // the service's state, shared with its connections (control_service.cpp)

private:
    std::shared_ptr<impl> impl_;
};

}  // namespace caviar
