// Who may use the control service, and from where: a random token per service, given once (on
// stderr, and in a file only its owner can read); the Host header must name the address the
// service is bound to (refusing DNS rebinding), and a state-changing request must be a POST of
// JSON from the page's own origin. The Ray dashboard's remote-code CVEs came from an open API
// and DNS rebinding: these rules close both.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace caviar {

/// 64 hex digits from the system's random source (256 bits).
std::string new_token();

/// Writes the token to `file`, mode 0600 (created or replaced).
void write_token(const std::filesystem::path& file, const std::string& token);

struct request_facts {
    std::string method;         // "GET", "POST", ...
    std::string target;         // "/api/trials?x=1"
    std::string host;           // the Host header
    std::string origin;         // the Origin header, empty when none
    std::string authorization;  // the Authorization header
    std::string cookie;         // the Cookie header
    std::string content_type;
};

struct access_rules {
    std::string token;
    /// Host header values that name this service ("127.0.0.1:8787", "localhost:8787").
    std::vector<std::string> hosts;

    /// Refusal (status, message) of a request, or nullopt when it may go on. `token_in_query`:
    /// the page's first load carries ?token=...; it is accepted on GET / only.
    std::optional<std::pair<int, std::string>> check(const request_facts& r) const;
    /// Whether the request's query carries the right token (the page's first load).
    bool query_token(const std::string& target) const;
};

/// The query parameter `name` of a target ("/api/events?after=12" -> "12"), decoded.
std::optional<std::string> query_param(const std::string& target, const std::string& name);
/// The target without its query.
std::string target_path(const std::string& target);

/// The cookie that carries the token after the page's first load.
inline constexpr const char* token_cookie = "caviar_token";

}  // namespace caviar
