#include "cli/http_client.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/program_options/errors.hpp>

#include <stdexcept>

namespace caviar::cli {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

http_target parse_url(const std::string& url) {
    const std::string scheme = "http://";
    if (url.rfind(scheme, 0) != 0)
        throw boost::program_options::error("\"" + url + "\" is not an http:// address");
    std::string rest = url.substr(scheme.size());
    auto slash = rest.find('/');
    std::string authority = rest.substr(0, slash);
    http_target t;
    if (slash != std::string::npos) {
        t.prefix = rest.substr(slash);
        t.prefix = t.prefix.substr(0, t.prefix.find('?'));
        while (!t.prefix.empty() && t.prefix.back() == '/') t.prefix.pop_back();
    }
    auto colon = authority.rfind(':');
    if (colon == std::string::npos || colon + 1 == authority.size())
        throw boost::program_options::error("\"" + url + "\" has no port (http://HOST:PORT)");
    t.host = authority.substr(0, colon);
    t.port = authority.substr(colon + 1);
    return t;
}

namespace {

tcp::socket connect(net::io_context& ioc, const http_target& t) {
    tcp::resolver resolver(ioc);
    tcp::socket socket(ioc);
    beast::error_code ec;
    net::connect(socket, resolver.resolve(t.host, t.port, ec), ec);
    if (ec)
        throw std::runtime_error("cannot reach the live service at " + t.host + ":" + t.port +
                                 ": " + ec.message());
    return socket;
}

http::request<http::string_body> request(const http_target& t, http::verb method,
                                         const std::string& path, const std::string& token,
                                         const std::string& body) {
    http::request<http::string_body> req{method, t.prefix + path, 11};
    req.set(http::field::host, t.host + ":" + t.port);
    req.set(http::field::authorization, "Bearer " + token);
    if (method == http::verb::post) {
        req.set(http::field::content_type, "application/json");
        req.body() = body.empty() ? "{}" : body;
    }
    req.prepare_payload();
    return req;
}

}  // namespace

http_result http_call(const http_target& t, const std::string& method, const std::string& path,
                      const std::string& token, const std::string& body) {
    net::io_context ioc;
    auto socket = connect(ioc, t);
    auto req = request(t, method == "POST" ? http::verb::post : http::verb::get, path, token, body);
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    beast::error_code ec;
    http::read(socket, buffer, res, ec);
    if (ec) throw std::runtime_error("the live service closed the connection: " + ec.message());
    socket.shutdown(tcp::socket::shutdown_both, ec);
    return {static_cast<int>(res.result_int()), res.body()};
}

void http_stream(const http_target& t, const std::string& path, const std::string& token,
                 const std::function<bool(const std::string&)>& on_data) {
    net::io_context ioc;
    auto socket = connect(ioc, t);
    auto req = request(t, http::verb::get, path, token, "");
    http::write(socket, req);
    std::string pending;
    bool headers = false;
    char buf[8192];
    for (;;) {
        beast::error_code ec;
        std::size_t n = socket.read_some(net::buffer(buf), ec);
        if (ec) return;
        pending.append(buf, n);
        if (!headers) {
            auto end = pending.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            if (pending.rfind("HTTP/1.1 200", 0) != 0)
                throw std::runtime_error("the live service refused the stream: " +
                                         pending.substr(0, pending.find("\r\n")));
            pending.erase(0, end + 4);
            headers = true;
        }
        for (auto end = pending.find("\n\n"); end != std::string::npos;
             end = pending.find("\n\n")) {
            std::string event = pending.substr(0, end);
            pending.erase(0, end + 2);
            std::string data;
            for (std::size_t i = 0; i <= event.size();) {
                auto e = event.find('\n', i);
                if (e == std::string::npos) e = event.size();
                auto line = event.substr(i, e - i);
                if (line.rfind("data: ", 0) == 0) data += line.substr(6);
                i = e + 1;
            }
            if (!data.empty() && !on_data(data)) return;
        }
    }
}

}  // namespace caviar::cli
