// A blocking HTTP/1.1 client for `caviar ctl URL ...` against a control service (Boost.Beast).
#pragma once

#include <functional>
#include <string>

namespace caviar::cli {

struct http_target {
    std::string host = "127.0.0.1";
    std::string port = "80";
    std::string prefix;  // the path before /api, usually empty
};

/// http://HOST:PORT[/PATH]; throws boost::program_options::error on anything else.
http_target parse_url(const std::string& url);

struct http_result {
    int status = 0;
    std::string body;
};

/// One request with the bearer token; a JSON body for a POST. Throws std::runtime_error when the
/// service cannot be reached.
http_result http_call(const http_target& t, const std::string& method, const std::string& path,
                      const std::string& token, const std::string& body = "");

/// GET path as a stream of server-sent events: on_data(data) for each event's data, until it
/// returns false or the stream ends.
void http_stream(const http_target& t, const std::string& path, const std::string& token,
                 const std::function<bool(const std::string&)>& on_data);

}  // namespace caviar::cli
