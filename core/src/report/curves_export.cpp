#include "report/curves_export.hpp"

#include <caviar/value.hpp>

#include <cmath>

namespace caviar {

void write_curves_csv_header(std::ostream& out) {
    out << "trial,step,metric,value\n";
}

void write_curves_csv(std::ostream& out, const trial& t) {
    for (const auto& p : t.curve)
        for (const auto& [name, v] : p.metrics) {
            // Metric names are identifiers in practice; quote them anyway if they need it.
            std::string field = name;
            if (field.find_first_of(",\"\n\r") != std::string::npos) {
                std::string q = "\"";
                for (char c : field) q += c == '"' ? std::string("\"\"") : std::string(1, c);
                field = q + '"';
            }
            out << t.number << ',' << p.step << ',' << field << ',' << to_string(value{v}) << '\n';
        }
}

nlohmann::json curves_json(const trial& t) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : t.curve) {
        nlohmann::json m = nlohmann::json::object();
        for (const auto& [name, v] : p.metrics)
            m[name] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
        points.push_back({{"step", p.step}, {"metrics", m}});
    }
    return {{"trial", t.number}, {"state", to_string(t.state)}, {"points", points}};
}

}  // namespace caviar
