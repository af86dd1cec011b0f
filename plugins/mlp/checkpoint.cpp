#include "checkpoint.hpp"

#include <bit>
#include <cstring>
#include <istream>
#include <ostream>
#include <stdexcept>
#include <string_view>
#include <type_traits>

namespace caviar::mlp {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the mlp checkpoint format is little-endian; add byte swapping for this platform");

constexpr std::string_view magic = "caviar-mlp\n";
constexpr std::string_view trailer = "end\n";
// Sanity limits, so a corrupt size field fails cleanly instead of allocating gigabytes.
constexpr std::int64_t max_dimension = 1 << 24;
constexpr std::int64_t max_tensor = std::int64_t{1} << 28;
constexpr std::uint32_t max_text = 1 << 16;
constexpr std::uint32_t max_tensors = 6 * 101;
constexpr std::uint32_t first_version = 1;  // the oldest this plugin still reads

[[noreturn]] void corrupt(const std::string& what) {
    throw std::invalid_argument("mlp checkpoint: " + what);
}

class writer {
public:
    explicit writer(std::ostream& out) : out_(out) {}
    void bytes(const void* p, std::size_t n) {
        out_.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
    }
    template <class T>
    void put(T v) {
        static_assert(std::is_arithmetic_v<T>);
        bytes(&v, sizeof v);
    }
    void text(std::string_view s) {
        put(static_cast<std::uint32_t>(s.size()));
        bytes(s.data(), s.size());
    }

private:
    std::ostream& out_;
};

class reader {
public:
    explicit reader(std::istream& in) : in_(in) {}
    void bytes(void* p, std::size_t n) {
        in_.read(static_cast<char*>(p), static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in_.gcount()) != n) corrupt("truncated");
    }
    template <class T>
    T get() {
        T v{};
        bytes(&v, sizeof v);
        return v;
    }
    std::string text() {
        auto n = get<std::uint32_t>();
        if (n > max_text) corrupt("a text field of " + std::to_string(n) + " bytes");
        std::string s(n, '\0');
        bytes(s.data(), n);
        return s;
    }
    std::int64_t dimension(const char* what) {
        auto v = get<std::int64_t>();
        if (v < 0 || v > max_dimension) corrupt(std::string(what) + " = " + std::to_string(v));
        return v;
    }

private:
    std::istream& in_;
};

}  // namespace

void write_checkpoint(std::ostream& out, const checkpoint& c) {
    writer w(out);
    w.bytes(magic.data(), magic.size());
    w.put(checkpoint_version);
    w.put(c.data_fingerprint);
    w.put(c.features);
    w.put(c.classes);
    w.put(c.params.layers);
    w.put(c.params.units);
    w.put(static_cast<std::uint8_t>(c.params.activation));
    w.put(static_cast<std::uint8_t>(c.params.optimizer));
    w.put(c.params.learning_rate);
    w.put(c.params.beta);
    w.put(c.params.beta2);
    w.put(c.params.weight_decay);
    w.put(c.params.batch_size);
    w.put(c.epoch);
    w.put(static_cast<std::uint8_t>(c.diverged));
    w.put(c.updates);
    w.text(c.rng_state);
    w.put(static_cast<std::uint32_t>(c.tensors.size()));
    for (const auto& m : c.tensors) {
        w.put(static_cast<std::int64_t>(m.rows()));
        w.put(static_cast<std::int64_t>(m.cols()));
        w.bytes(m.data(), sizeof(float) * static_cast<std::size_t>(m.size()));
    }
    w.bytes(trailer.data(), trailer.size());
    if (!out) throw std::runtime_error("mlp checkpoint: write failed");
}

checkpoint read_checkpoint(std::istream& in) {
    reader r(in);
    char head[magic.size()];
    r.bytes(head, sizeof head);
    if (std::string_view(head, sizeof head) != magic) corrupt("not an mlp checkpoint");
    const auto version = r.get<std::uint32_t>();
    if (version < first_version || version > checkpoint_version)
        corrupt("version " + std::to_string(version) + ", this plugin reads versions " +
                std::to_string(first_version) + " to " + std::to_string(checkpoint_version));
    const bool v2 = version >= 2;
    checkpoint c;
    c.data_fingerprint = r.get<std::uint64_t>();
    c.features = r.dimension("features");
    c.classes = r.dimension("classes");
    c.params.layers = r.dimension("layers");
    c.params.units = r.dimension("units");
    auto a = r.get<std::uint8_t>();
    if (a >= activation_names.size()) corrupt("activation " + std::to_string(a));
    c.params.activation = static_cast<activation>(a);
    if (v2) {
        auto o = r.get<std::uint8_t>();
        if (o >= optimizer_names.size()) corrupt("optimizer " + std::to_string(o));
        c.params.optimizer = static_cast<optimizer>(o);
    }
    c.params.learning_rate = r.get<double>();
    c.params.beta = r.get<double>();
    if (v2) c.params.beta2 = r.get<double>();
    c.params.weight_decay = r.get<double>();
    c.params.batch_size = r.dimension("batch_size");
    c.epoch = r.dimension("epoch");
    c.diverged = r.get<std::uint8_t>() != 0;
    if (v2) {
        c.updates = r.get<std::int64_t>();
        if (c.updates < 0) corrupt("updates = " + std::to_string(c.updates));
    }
    c.rng_state = r.text();
    auto count = r.get<std::uint32_t>();
    if (count > max_tensors) corrupt(std::to_string(count) + " tensors");
    c.tensors.reserve(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        auto rows = r.dimension("rows");
        auto cols = r.dimension("cols");
        if (rows * cols > max_tensor) corrupt("a tensor of " + std::to_string(rows * cols));
        matrix m(rows, cols);
        r.bytes(m.data(), sizeof(float) * static_cast<std::size_t>(m.size()));
        c.tensors.push_back(std::move(m));
    }
    char tail[trailer.size()];
    r.bytes(tail, sizeof tail);
    if (std::string_view(tail, sizeof tail) != trailer) corrupt("bad trailer (corrupt)");
    return c;
}

}  // namespace caviar::mlp
