#include "serve/control_service.hpp"

#include "run/study_lock.hpp"
#include "serve/access.hpp"
#include "serve/study_api.hpp"
#include "serve/study_control.hpp"
#include "serve/study_watch.hpp"
#include "store/store.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <thread>

namespace caviar {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t body_limit = 64 * 1024;
constexpr std::size_t header_limit = 16 * 1024;
constexpr auto read_timeout = 30s;     // a request's headers and body, or an idle keep-alive
constexpr auto write_timeout = 10s;    // a reply, or one write of the push stream
constexpr auto refresh_every = 200ms;  // how often the study is read for changes
constexpr auto command_wait = 10s;     // how long a POST waits for its command to apply
constexpr std::size_t stream_backlog_limit = 1 << 20;  // bytes queued for a slow page

class session;
class event_stream;

}  // namespace

struct control_service::impl : std::enable_shared_from_this<control_service::impl> {
    service_settings settings;
    net::io_context ioc{1};
    tcp::acceptor acceptor{ioc};
    net::steady_timer refresh_timer{ioc};
    std::thread thread;
    std::unique_ptr<store> db;
    std::unique_ptr<study_watch> watch;
    std::unique_ptr<study_api> api;
    access_rules rules;
    std::string base_url;
    std::filesystem::path token_file;
    unsigned short port = 0;
    std::size_t connections = 0;  // sessions and streams open
    std::list<std::weak_ptr<session>> sessions;
    std::list<std::shared_ptr<event_stream>> streams;  // held here: idle between changes
    bool stopping = false;
    int beats = 0;

    void accept();
    void refresh();
};

namespace {

request_facts facts_of(const http::request<http::string_body>& req) {
    auto field = [&](http::field f) { return std::string(req[f]); };
    return {.method = std::string(req.method_string()),
            .target = std::string(req.target()),
            .host = field(http::field::host),
            .origin = field(http::field::origin),
            .authorization = field(http::field::authorization),
            .cookie = field(http::field::cookie),
            .content_type = field(http::field::content_type)};
}

// The push stream of one page: changes as server-sent events, from a queue the service fills;
// a page that does not read fast enough is dropped, never waited on.
class event_stream : public std::enable_shared_from_this<event_stream> {
public:
    event_stream(beast::tcp_stream stream, std::shared_ptr<control_service::impl> service)
        : stream_(std::move(stream)), service_(std::move(service)) {
        ++service_->connections;
    }
    ~event_stream() { --service_->connections; }

    void start(std::int64_t after) {
        pending_ =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n"
            "Connection: keep-alive\r\nX-Content-Type-Options: nosniff\r\n\r\nretry: 1000\n\n";
        sent_ = after;
        push();
        kick();
    }

    // Queues the changes the page has not seen; closes a page too far behind.
    void push() {
        auto items = service_->watch->since(sent_);
        if (!items) {
            add("event: reset\ndata: {}\n\n");  // the page reloads the study
            sent_ = service_->watch->cursor();
            return;
        }
        for (const auto& [seq, text] : *items) {
            add("id: " + std::to_string(seq) + "\ndata: " + text + "\n\n");
            sent_ = seq;
        }
    }

    void heartbeat() { add(": ping\n\n"); }
    /// Sends what is queued, then closes (the service stops: the page sees the last changes).
    void finish() {
        closing_ = true;
        if (!writing_ && pending_.empty()) close();
        kick();
    }
    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
        stream_.close();
        closed_ = true;
    }
    bool closed() const { return closed_; }

    /// Writes what is queued, in one write: a page costs a write per look at the study, not one
    /// per change.
    void kick() {
        if (writing_ || pending_.empty() || closed_) return;
        writing_ = true;
        sending_.swap(pending_);
        pending_.clear();
        stream_.expires_after(write_timeout);
        net::async_write(stream_, net::buffer(sending_),
                         [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             self->writing_ = false;
                             if (ec) {
                                 self->closed_ = true;
                                 return;
                             }
                             if (self->pending_.empty() && self->closing_) return self->close();
                             self->kick();
                         });
    }

private:
    void add(const std::string& s) {
        if (closed_) return;
        pending_ += s;
        if (pending_.size() > stream_backlog_limit) close();  // a slow reader: dropped
    }

    beast::tcp_stream stream_;
    std::shared_ptr<control_service::impl> service_;
    std::string pending_, sending_;  // queued; being written
    std::int64_t sent_ = 0;
    bool writing_ = false, closed_ = false, closing_ = false;
};

// One connection: requests, one at a time, until it closes or becomes a push stream.
class session : public std::enable_shared_from_this<session> {
public:
    session(tcp::socket socket, std::shared_ptr<control_service::impl> service)
        : stream_(std::move(socket)), service_(std::move(service)), timer_(service_->ioc) {
        ++service_->connections;
    }
    ~session() { --service_->connections; }

    void close_now() {
        beast::error_code ec;
        timer_.cancel();
        stream_.socket().close(ec);
    }
    /// The service stops: a POST still waiting for its command gets its answer now (a stop
    /// command ends the study, and with it the service), the others are closed.
    void end_now() {
        if (waiting_ == 0) return close_now();
        timer_.cancel();
        auto r = service_->api->command_reply(waiting_);
        waiting_ = 0;
        send_reply(r);
    }

    void read() {
        parser_.emplace();
        parser_->header_limit(header_limit);
        parser_->body_limit(body_limit);
        stream_.expires_after(read_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&session::on_read, shared_from_this()));
    }

private:
    void on_read(beast::error_code ec, std::size_t) {
        if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
        if (ec == http::error::body_limit)
            return reply_error(413, "the body is larger than 64 KiB", 11, false);
        if (ec == http::error::header_limit)
            return reply_error(431, "the request's headers are larger than 16 KiB", 11, false);
        if (ec) return reply_error(400, "a request that is not HTTP: " + ec.message(), 11, false);
        req_ = parser_->release();
        const auto facts = facts_of(req_);
        if (auto refused = service_->rules.check(facts))
            return reply_error(refused->first, refused->second, req_.version(), req_.keep_alive());
        // The page's first load: the token moves from the address into a cookie only this
        // origin sends, and the address is cleaned.
        if (facts.method == "GET" && target_path(facts.target) == "/" &&
            query_param(facts.target, "token")) {
            http::response<http::string_body> res{http::status::see_other, req_.version()};
            res.set(http::field::location, "/");
            res.set(http::field::set_cookie, std::string(token_cookie) + "=" +
                                                 service_->rules.token +
                                                 "; HttpOnly; SameSite=Strict; Path=/");
            res.keep_alive(req_.keep_alive());
            res.prepare_payload();
            return send(std::move(res));
        }
        api_reply r;
        try {
            r = service_->api->handle(facts.method, facts.target, req_.body());
        } catch (const std::exception& e) {
            r = error_reply(500, std::string("the service failed: ") + e.what());
        }
        if (r.stream) {
            auto s = std::make_shared<event_stream>(std::move(stream_), service_);
            service_->streams.push_back(s);
            s->start(r.after);
            return;
        }
        if (r.command > 0) {
            waiting_ = r.command;
            deadline_ = std::chrono::steady_clock::now() + command_wait;
            return wait_for_command();
        }
        send_reply(r);
    }

    // The command applies at the trial's next step: look again every 50 ms, for a while.
    void wait_for_command() {
        auto c = service_->db->find_command(waiting_);
        bool over = c && ended(*c);
        if (over || std::chrono::steady_clock::now() >= deadline_) {
            auto r = service_->api->command_reply(waiting_);
            waiting_ = 0;
            return send_reply(r);
        }
        timer_.expires_after(50ms);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (!ec) self->wait_for_command();
        });
    }

    void send_reply(const api_reply& r) {
        http::response<http::string_body> res{static_cast<http::status>(r.status), req_.version()};
        res.set(http::field::content_type, r.content_type);
        res.set(http::field::cache_control, "no-store");
        res.set("X-Content-Type-Options", "nosniff");
        if (r.content_type.rfind("text/html", 0) == 0)
            res.set("Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                    "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
        for (const auto& [k, v] : r.headers) res.set(k, v);
        res.keep_alive(req_.keep_alive());
        if (req_.method() != http::verb::head) res.body() = r.body;
        res.prepare_payload();
        send(std::move(res));
    }

    void reply_error(int status, const std::string& message, unsigned version, bool keep) {
        api_reply r = error_reply(status, message);
        http::response<http::string_body> res{static_cast<http::status>(status), version};
        res.set(http::field::content_type, "application/json");
        res.keep_alive(keep);
        res.body() = r.body;
        res.prepare_payload();
        send(std::move(res));
    }

    void send(http::response<http::string_body> res) {
        res_ = std::move(res);
        stream_.expires_after(write_timeout);
        http::async_write(stream_, res_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || !self->res_.keep_alive() || self->service_->stopping)
                                  return self->close();
                              self->read();
                          });
    }

    void close() {
        beast::error_code ec;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream stream_;
    std::shared_ptr<control_service::impl> service_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
    net::steady_timer timer_;
    std::int64_t waiting_ = 0;
    std::chrono::steady_clock::time_point deadline_;
};

}  // namespace

void control_service::impl::accept() {
    acceptor.async_accept(net::make_strand(ioc), [self = shared_from_this()](beast::error_code ec,
                                                                             tcp::socket socket) {
        if (ec || self->stopping) return;
        if (self->connections >= self->settings.max_connections) {
            beast::error_code ignored;
            socket.close(ignored);  // over the cap: refused at once, never queued
        } else {
            auto s = std::make_shared<session>(std::move(socket), self);
            self->sessions.push_back(s);
            s->read();
        }
        self->accept();
    });
}

void control_service::impl::refresh() {
    try {
        watch->refresh();
    } catch (const std::exception&) {
        // The store is busy or a run is upgrading it: look again next time.
    }
    const bool ping = ++beats % 75 == 0;  // every 15 s, so proxies and pages see it is alive
    sessions.remove_if([](const std::weak_ptr<session>& w) { return w.expired(); });
    for (auto it = streams.begin(); it != streams.end();) {
        auto s = *it;
        if (s->closed()) {
            it = streams.erase(it);
            continue;
        }
        s->push();
        if (ping) s->heartbeat();
        s->kick();
        ++it;
    }
    refresh_timer.expires_after(refresh_every);
    refresh_timer.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec && !self->stopping) self->refresh();
    });
}

control_service::control_service(service_settings s) : impl_(std::make_shared<impl>()) {
    auto& m = *impl_;
    m.settings = std::move(s);
    beast::error_code ec;
    auto address = net::ip::make_address(m.settings.address, ec);
    if (ec)
        throw std::runtime_error("--serve: \"" + m.settings.address + "\" is not an IP address");
    if (!address.is_loopback() && !m.settings.allow_public)
        throw std::runtime_error(
            "--serve on " + m.settings.address +
            " would let anyone who can reach this machine and has the token watch and steer the "
            "study; bind 127.0.0.1 (the default), or add --serve-public to mean it");
    tcp::endpoint at(address, m.settings.port);
    m.acceptor.open(at.protocol(), ec);
    if (!ec) m.acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) m.acceptor.bind(at, ec);
    if (!ec) m.acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("--serve: cannot listen on " + m.settings.address + ":" +
                                 std::to_string(m.settings.port) + ": " + ec.message());
    m.port = m.acceptor.local_endpoint().port();
    const std::string host = address.is_v6() ? "[" + m.settings.address + "]" : m.settings.address;
    m.base_url = "http://" + host + ":" + std::to_string(m.port) + "/";
    m.rules.token = new_token();
    m.rules.hosts = {host + ":" + std::to_string(m.port)};
    if (address.is_loopback()) m.rules.hosts.push_back("localhost:" + std::to_string(m.port));

    m.db = std::make_unique<store>(m.settings.store);
    auto study = m.db->find_study(m.settings.study);
    if (!study)
        throw std::runtime_error("no study \"" + m.settings.study + "\" in " +
                                 m.settings.store.string());
    const auto store_file = m.settings.store;
    m.watch = std::make_unique<study_watch>(*m.db, *study, [store_file, study = *study] {
        return !take_if_idle(store_file, study).has_value();
    });
    m.api = std::make_unique<study_api>(*m.watch, *m.db, m.settings.store);
    m.token_file = m.settings.token_file.empty()
                       ? study_folder(m.settings.store, m.settings.study) / "serve.token"
                       : m.settings.token_file;
    write_token(m.token_file, m.rules.token);

    m.accept();
    m.refresh();
    m.thread = std::thread([service = impl_] {
        for (;;) {
            try {
                service->ioc.run();
                return;
            } catch (const std::exception&) {
                // One connection's failure must not end the service; go on serving the others.
            }
        }
    });
}

control_service::~control_service() {
    stop();
}

void control_service::stop() {
    auto& m = *impl_;
    if (!m.thread.joinable()) return;
    // Everything the service waits on is closed, so its thread runs out of work and ends.
    net::post(m.ioc, [service = impl_] {
        service->stopping = true;
        beast::error_code ec;
        service->acceptor.close(ec);
        service->refresh_timer.cancel();
        // The last changes (a study that just ended) reach the pages before they close.
        try {
            service->watch->refresh();
        } catch (const std::exception&) {
        }
        for (auto& s : service->streams) {
            s->push();
            s->finish();
        }
        for (auto& w : service->sessions)
            if (auto s = w.lock()) s->end_now();
        service->streams.clear();
        service->sessions.clear();
    });
    m.thread.join();
    std::error_code ignored;
    std::filesystem::remove(m.token_file, ignored);
}

std::string control_service::url() const {
    return impl_->base_url + "?token=" + impl_->rules.token;
}
std::string control_service::base_url() const {
    return impl_->base_url;
}
const std::string& control_service::token() const {
    return impl_->rules.token;
}
unsigned short control_service::port() const {
    return impl_->port;
}
const std::filesystem::path& control_service::token_file() const {
    return impl_->token_file;
}

}  // namespace caviar
