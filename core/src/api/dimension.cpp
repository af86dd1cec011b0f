#include <caviar/dimension.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace caviar {

const char* to_string(dimension_kind k) {
    switch (k) {
        case dimension_kind::integer:
            return "int";
        case dimension_kind::real:
            return "float";
        case dimension_kind::categorical:
            return "choices";
    }
    return "?";
}

const char* to_string(scale s) {
    switch (s) {
        case scale::linear:
            return "linear";
        case scale::log:
            return "log";
        case scale::log1m:
            return "log1m";
    }
    return "?";
}

namespace {

// A choice as text that tells its type: "relu" (quotes escaped), 1 (int), 1.0 (real). The text
// feeds space::hash(), so choices [1, 2] and [1.0, 2.0] must not read the same.
std::string quoted(const value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) {
        std::string out = "\"";
        for (char c : *s) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        return out + '"';
    }
    std::string text = to_string(v);
    if (std::holds_alternative<double>(v) &&
        text.find_first_of(".eEn") == std::string::npos)  // not 1.5, 1e+20, nan, inf
        text += ".0";
    return text;
}

std::string num(double x) {
    return to_string(value{x});
}

// Number of step cells minus one, when high - low is a whole number of steps.
std::int64_t last_index(double low, double high, double step) {
    return static_cast<std::int64_t>(std::llround((high - low) / step));
}

}  // namespace

dimension dimension::integer(std::string name, std::int64_t low, std::int64_t high, caviar::scale s,
                             std::int64_t step) {
    dimension d;
    d.name_ = std::move(name);
    d.kind_ = dimension_kind::integer;
    d.scale_ = s;
    d.low_ = static_cast<double>(low);
    d.high_ = static_cast<double>(high);
    d.step_ = step == 0 ? 1.0 : static_cast<double>(step);
    return d;
}

dimension dimension::real(std::string name, double low, double high, caviar::scale s, double step) {
    dimension d;
    d.name_ = std::move(name);
    d.kind_ = dimension_kind::real;
    d.scale_ = s;
    d.low_ = low;
    d.high_ = high;
    d.step_ = step;
    return d;
}

dimension dimension::categorical(std::string name, std::vector<value> choices) {
    dimension d;
    d.name_ = std::move(name);
    d.kind_ = dimension_kind::categorical;
    d.choices_ = std::move(choices);
    return d;
}

std::vector<std::string> dimension::problems() const {
    std::vector<std::string> out;
    if (name_.empty()) out.push_back("a dimension needs a name");
    if (kind_ == dimension_kind::categorical) {
        if (choices_.empty()) out.push_back("choices must not be empty");
        for (const auto& c : choices_)
            if (const auto* d = std::get_if<double>(&c); d && !std::isfinite(*d))
                out.push_back("choices must be finite numbers, got " + num(*d) +
                              " (nan equals nothing: no trial could be said to have it)");
        for (std::size_t i = 0; i < choices_.size(); ++i)
            for (std::size_t j = 0; j < i; ++j)
                if (choices_[i] == choices_[j])
                    out.push_back("choices must be distinct, got " + quoted(choices_[i]) +
                                  " twice");
        return out;
    }
    if (!std::isfinite(low_) || !std::isfinite(high_)) {
        out.push_back("bounds must be finite, got low=" + num(low_) + ", high=" + num(high_));
        return out;
    }
    if (low_ > high_)
        out.push_back("low must not exceed high, got low=" + num(low_) + ", high=" + num(high_));
    // Values are mapped through doubles: beyond 2^53 an int is no longer exact, and a range wider
    // than the largest double has no width at all.
    constexpr double exact = 9007199254740992.0;  // 2^53
    if (kind_ == dimension_kind::integer && (std::abs(low_) > exact || std::abs(high_) > exact))
        out.push_back(
            "an int dimension's bounds must lie within -2^53 and 2^53 "
            "(9007199254740992), so every value is exact, got low=" +
            num(low_) + ", high=" + num(high_));
    if (!std::isfinite(high_ - low_))
        out.push_back("high - low must be a finite number, got low=" + num(low_) +
                      ", high=" + num(high_));
    if (step_ > 0 && std::isfinite(high_ - low_) && (high_ - low_) / step_ > exact)
        out.push_back("step=" + num(step_) + " cuts [" + num(low_) + ", " + num(high_) +
                      "] into more than 2^53 values; give a larger step (or none)");
    if (scale_ == scale::log) {
        if (kind_ == dimension_kind::integer && low_ < 1)
            out.push_back("scale \"log\" needs low >= 1 for an int, got low=" + num(low_));
        else if (low_ <= 0)
            out.push_back("scale \"log\" needs low > 0, got low=" + num(low_));
    }
    if (scale_ == scale::log1m) {
        if (kind_ == dimension_kind::integer)
            out.push_back("scale \"log1m\" applies to float dimensions only (beta = 1 - 10^r)");
        else if (high_ >= 1)
            out.push_back("scale \"log1m\" needs high < 1, got high=" + num(high_));
    }
    if (step_ < 0 || !std::isfinite(step_)) {
        out.push_back("step must be positive, got step=" + num(step_));
    } else if (step_ > 0) {
        if (scale_ != scale::linear && !(kind_ == dimension_kind::integer && step_ == 1))
            out.push_back("step needs scale \"linear\", got scale \"" +
                          std::string(to_string(scale_)) + "\"");
        else if (low_ <= high_) {
            double k = (high_ - low_) / step_;
            if (std::abs(k - std::round(k)) > 1e-9 * std::max(1.0, k))
                out.push_back("high - low must be a multiple of step, got low=" + num(low_) +
                              ", high=" + num(high_) + ", step=" + num(step_));
        }
    }
    return out;
}

std::int64_t dimension::cardinality() const {
    if (kind_ == dimension_kind::categorical) return static_cast<std::int64_t>(choices_.size());
    if (kind_ == dimension_kind::integer && scale_ == scale::log)
        return static_cast<std::int64_t>(high_ - low_) + 1;
    if (step_ > 0) return last_index(low_, high_, step_) + 1;
    return 0;
}

double dimension::to_scaled(double x) const {
    switch (scale_) {
        case scale::linear:
            return x;
        case scale::log:
            return std::log10(x);
        case scale::log1m:
            return std::log10(1 - x);
    }
    return x;
}

double dimension::from_scaled(double r) const {
    switch (scale_) {
        case scale::linear:
            return r;
        case scale::log:
            return std::pow(10.0, r);
        case scale::log1m:
            return 1 - std::pow(10.0, r);
    }
    return r;
}

value dimension::from_unit(double u) const {
    u = std::clamp(std::isfinite(u) ? u : 0.5, 0.0, 1.0);
    if (kind_ == dimension_kind::categorical) {
        auto n = static_cast<std::int64_t>(choices_.size());
        return choices_[static_cast<std::size_t>(
            std::min(n - 1, static_cast<std::int64_t>(u * static_cast<double>(n))))];
    }
    if (scale_ == scale::linear && step_ > 0) {
        // Equal cells, one per value on the step grid.
        std::int64_t last = last_index(low_, high_, step_);
        auto idx = std::min(last, static_cast<std::int64_t>(u * static_cast<double>(last + 1)));
        double x = std::min(high_, low_ + static_cast<double>(idx) * step_);
        if (kind_ == dimension_kind::integer) return static_cast<std::int64_t>(std::llround(x));
        return x;
    }
    if (kind_ == dimension_kind::integer) {
        // Integer on a log scale: each integer k owns [k - 0.5, k + 0.5] on the log axis.
        double a = to_scaled(low_ - 0.5), b = to_scaled(high_ + 0.5);
        double x = std::round(from_scaled(a + u * (b - a)));
        return static_cast<std::int64_t>(std::clamp(x, low_, high_));
    }
    double a = to_scaled(low_), b = to_scaled(high_);
    return std::clamp(from_scaled(a + u * (b - a)), low_, high_);
}

double dimension::to_unit(const value& v) const {
    if (kind_ == dimension_kind::categorical) {
        auto it = std::find(choices_.begin(), choices_.end(), v);
        if (it == choices_.end())
            throw std::invalid_argument("[space." + name_ + "] " + quoted(v) +
                                        " is not one of the choices");
        return (static_cast<double>(it - choices_.begin()) + 0.5) /
               static_cast<double>(choices_.size());
    }
    double x = to_double(v);
    if (scale_ == scale::linear && step_ > 0) {
        std::int64_t last = last_index(low_, high_, step_);
        double idx = std::clamp(std::round((x - low_) / step_), 0.0, static_cast<double>(last));
        return (idx + 0.5) / static_cast<double>(last + 1);
    }
    if (kind_ == dimension_kind::integer) {
        double a = to_scaled(low_ - 0.5), b = to_scaled(high_ + 0.5);
        double k = std::clamp(std::round(x), low_, high_);
        double r = (to_scaled(k - 0.5) + to_scaled(k + 0.5)) / 2;
        return std::clamp((r - a) / (b - a), 0.0, 1.0);
    }
    double a = to_scaled(low_), b = to_scaled(high_);
    if (a == b) return 0.5;
    return std::clamp((to_scaled(std::clamp(x, low_, high_)) - a) / (b - a), 0.0, 1.0);
}

bool dimension::contains(const value& v) const {
    if (kind_ == dimension_kind::categorical)
        return std::find(choices_.begin(), choices_.end(), v) != choices_.end();
    if (kind_ == dimension_kind::integer) {
        const auto* i = std::get_if<std::int64_t>(&v);
        if (!i) return false;
        double x = static_cast<double>(*i);
        return x >= low_ && x <= high_ && std::fmod(x - low_, step_ > 0 ? step_ : 1.0) == 0.0;
    }
    if (std::holds_alternative<std::string>(v)) return false;
    double x = to_double(v);
    double tol = 1e-12 * std::max(1.0, std::abs(high_ - low_));
    if (!(x >= low_ - tol && x <= high_ + tol)) return false;
    if (step_ > 0) {
        double k = (x - low_) / step_;
        return std::abs(k - std::round(k)) < 1e-9 * std::max(1.0, k);
    }
    return true;
}

dimension& dimension::when(std::string parent, std::vector<value> values) {
    when_ = caviar::condition{std::move(parent), std::move(values)};
    return *this;
}

std::string dimension::describe() const {
    std::ostringstream out;
    out << name_ << ' ' << to_string(kind_);
    if (kind_ == dimension_kind::categorical) {
        out << " [";
        for (std::size_t i = 0; i < choices_.size(); ++i)
            out << (i ? ", " : "") << quoted(choices_[i]);
        out << ']';
    } else {
        out << " [" << num(low_) << ", " << num(high_) << "] " << to_string(scale_);
        if (step_ > 0 && !(kind_ == dimension_kind::integer && step_ == 1))
            out << " step " << num(step_);
    }
    if (when_) {
        out << " when " << when_->parent << " in [";
        for (std::size_t i = 0; i < when_->values.size(); ++i)
            out << (i ? ", " : "") << quoted(when_->values[i]);
        out << ']';
    }
    return out.str();
}

}  // namespace caviar
