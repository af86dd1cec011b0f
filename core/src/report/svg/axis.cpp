#include "report/svg/axis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace caviar {

namespace {

// The 1-2-5 step closest to raw: 1, 2 or 5 times a power of ten, at least raw.
double nice_step(double raw) {
    double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw * (1 - 1e-9)) return m * p;
    return 10 * p;
}

// 1 - 10^-k with k digits after the point: "0.9", "0.99"; mantissa m gives 1 - m*10^-k.
std::string one_minus_label(double m, int k) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.*f", k + 1, 1.0 - m * std::pow(10.0, -k));
    std::string s = buf;
    while (s.size() > 1 && s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

}  // namespace

std::string tick_label(double v) {
    if (v == 0 || std::abs(v) < 1e-300) return "0";
    char buf[32];
    double a = std::abs(v);
    if (a >= 1e5 || a < 1e-3) {
        // Exponent form without padding: 1e-4, 2.5e6.
        std::snprintf(buf, sizeof buf, "%.2e", v);
        std::string s = buf;
        auto e = s.find('e');
        std::string mant = s.substr(0, e), exp = s.substr(e + 1);
        while (mant.back() == '0') mant.pop_back();
        if (mant.back() == '.') mant.pop_back();
        bool neg = exp[0] == '-';
        exp.erase(0, 1);
        while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
        return mant + "e" + (neg ? "-" : "") + exp;
    }
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s = buf;
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
    return s;
}

std::vector<tick> linear_ticks(double lo, double hi, int target, bool integer) {
    if (!(hi > lo)) return {{lo, tick_label(lo)}};
    double step = nice_step((hi - lo) / std::max(1, target));
    if (integer) step = std::max(step, 1.0);
    std::vector<tick> out;
    double eps = step * 1e-9;
    for (double k = std::ceil((lo - eps) / step); k * step <= hi + eps; k += 1) {
        double v = k * step;
        if (std::abs(v) < eps) v = 0;
        out.push_back({v, tick_label(v)});
    }
    return out;
}

std::vector<tick> log_ticks(double lo, double hi) {
    std::vector<tick> out;
    if (!(lo > 0) || !(hi >= lo)) return out;
    double a = std::log10(lo) - 1e-9, b = std::log10(hi) + 1e-9;
    int k0 = static_cast<int>(std::ceil(a)), k1 = static_cast<int>(std::floor(b));
    int decades = k1 - k0 + 1;
    if (decades >= 2) {
        int every = decades > 12 ? 5 : decades > 6 ? 2 : 1;
        for (int k = k0; k <= k1; ++k)
            if ((k - k0) % every == 0)
                out.push_back({std::pow(10.0, k), tick_label(std::pow(10.0, k))});
        return out;
    }
    // A narrow range: 1-2-5 within each decade touched.
    for (int k = static_cast<int>(std::floor(a)); k <= static_cast<int>(std::ceil(b)); ++k)
        for (double m : {1.0, 2.0, 5.0}) {
            double v = m * std::pow(10.0, k);
            if (std::log10(v) >= a && std::log10(v) <= b) out.push_back({v, tick_label(v)});
        }
    return out;
}

std::vector<tick> log1m_ticks(double lo, double hi) {
    std::vector<tick> out;
    if (!(hi < 1) || !(hi >= lo)) return out;
    // On the axis, t = -log10(1 - v); tick k sits at t = k.
    double a = -std::log10(1 - lo) - 1e-9, b = -std::log10(1 - hi) + 1e-9;
    int k0 = std::max(1, static_cast<int>(std::ceil(a))), k1 = static_cast<int>(std::floor(b));
    if (k1 - k0 + 1 >= 2) {
        for (int k = k0; k <= k1; ++k)
            out.push_back({1 - std::pow(10.0, -k), one_minus_label(1, k)});
        return out;
    }
    for (int k = std::max(1, static_cast<int>(std::floor(a)));
         k <= static_cast<int>(std::ceil(b)) + 1; ++k)
        for (double m : {5.0, 2.0, 1.0}) {
            double v = 1 - m * std::pow(10.0, -k);
            double t = -std::log10(1 - v);
            if (t >= a && t <= b) out.push_back({v, one_minus_label(m, k)});
        }
    return out;
}

axis::axis(axis_scale s, double lo, double hi, double p0, double p1, bool integer)
    : scale_(s), lo_(lo), hi_(hi), p0_(p0), p1_(p1), integer_(integer) {
    if (!(hi_ > lo_)) {
        // A degenerate range (one value): open it around that value so it lands mid-axis.
        if (s == axis_scale::linear) {
            double d = lo_ == 0 ? 1 : std::abs(lo_) * 0.1;
            lo_ -= d;
            hi_ += d;
        } else if (s == axis_scale::log) {
            lo_ /= 2;
            hi_ *= 2;
        } else if (s == axis_scale::log1m) {
            lo_ = 1 - (1 - lo_) * 2;
            hi_ = 1 - (1 - hi_) / 2;
        }
    }
}

axis axis::categorical(std::vector<std::string> names, double p0, double p1) {
    axis a(axis_scale::categorical, 0, static_cast<double>(names.size()), p0, p1);
    a.names_ = std::move(names);
    return a;
}

axis axis::of(const dimension& d, double p0, double p1) {
    if (d.kind() == dimension_kind::categorical) {
        std::vector<std::string> names;
        for (const auto& c : d.choices()) names.push_back(to_string(c));
        return categorical(std::move(names), p0, p1);
    }
    axis_scale s = d.scale() == scale::log     ? axis_scale::log
                   : d.scale() == scale::log1m ? axis_scale::log1m
                                               : axis_scale::linear;
    return axis(s, d.low(), d.high(), p0, p1, d.kind() == dimension_kind::integer);
}

axis& axis::nice() {
    if (scale_ != axis_scale::linear) return *this;
    double step = nice_step((hi_ - lo_) / 5);
    lo_ = std::floor(lo_ / step + 1e-9) * step;
    hi_ = std::ceil(hi_ / step - 1e-9) * step;
    return *this;
}

double axis::transform(double v) const {
    switch (scale_) {
        case axis_scale::log:
            return std::log10(v);
        case axis_scale::log1m:
            return -std::log10(1 - v);
        default:
            return v;
    }
}

double axis::band() const {
    return names_.empty() ? 0 : std::abs(p1_ - p0_) / static_cast<double>(names_.size());
}

double axis::operator()(double v) const {
    if (scale_ == axis_scale::categorical) {
        double n = std::max<double>(1, static_cast<double>(names_.size()));
        return p0_ + (v + 0.5) / n * (p1_ - p0_);
    }
    double a = transform(lo_), b = transform(hi_);
    return p0_ + (transform(v) - a) / (b - a) * (p1_ - p0_);
}

std::vector<tick> axis::ticks() const {
    switch (scale_) {
        case axis_scale::log:
            return log_ticks(lo_, hi_);
        case axis_scale::log1m:
            return log1m_ticks(lo_, hi_);
        case axis_scale::categorical: {
            std::vector<tick> out;
            for (std::size_t i = 0; i < names_.size(); ++i)
                out.push_back({static_cast<double>(i), names_[i]});
            return out;
        }
        default:
            return linear_ticks(lo_, hi_, std::abs(p1_ - p0_) < 160 ? 3 : 5, integer_);
    }
}

}  // namespace caviar
