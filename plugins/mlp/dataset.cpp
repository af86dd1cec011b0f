#include "dataset.hpp"

#include "random.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace caviar::mlp {
namespace {

// FNV-1a over the bytes of both sets.
std::uint64_t fingerprint_of(const dataset& d) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto add = [&](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001b3ULL;
    };
    for (const matrix* x : {&d.train_x, &d.val_x}) {
        const std::int64_t shape[2] = {x->rows(), x->cols()};
        add(shape, sizeof shape);
        add(x->data(), sizeof(float) * static_cast<std::size_t>(x->size()));
    }
    for (const auto* y : {&d.train_y, &d.val_y}) add(y->data(), sizeof(std::int32_t) * y->size());
    return h;
}

}  // namespace

dataset split(table t, const split_options& o, const std::string& source) {
    // Class labels as written -> dense class indices, in label order.
    std::map<std::int64_t, std::int32_t> index;
    for (auto l : t.labels) index.emplace(l, 0);
    if (index.size() < 2)
        throw std::invalid_argument(source + ": needs at least 2 classes, found " +
                                    std::to_string(index.size()) + " (label " +
                                    std::to_string(t.labels.front()) + ")");
    dataset d;
    for (auto& [label, i] : index) {
        i = static_cast<std::int32_t>(d.class_labels.size());
        d.class_labels.push_back(label);
    }

    // Stratified: shuffle each class's rows with the split seed and hold out its share, so the
    // split is the same for every trial and both sets keep the class balance.
    std::vector<std::vector<Eigen::Index>> by_class(index.size());
    for (std::size_t r = 0; r < t.labels.size(); ++r)
        by_class[index[t.labels[r]]].push_back(static_cast<Eigen::Index>(r));
    random_engine rng(o.seed);
    std::vector<Eigen::Index> train_rows, val_rows;
    for (auto& rows : by_class) {
        shuffle(rows, rng);
        auto held = static_cast<std::size_t>(std::lround(o.validation * double(rows.size())));
        val_rows.insert(val_rows.end(), rows.begin(), rows.begin() + held);
        train_rows.insert(train_rows.end(), rows.begin() + held, rows.end());
    }
    if (train_rows.empty() || val_rows.empty())
        throw std::invalid_argument(
            source + ": " + std::to_string(t.labels.size()) + " rows are too few to hold out " +
            std::to_string(o.validation) + " of them for validation and train on the rest");
    // Sorted rows keep the file's order within each set (the order does not depend on classes).
    std::sort(train_rows.begin(), train_rows.end());
    std::sort(val_rows.begin(), val_rows.end());

    auto gather = [&](const std::vector<Eigen::Index>& rows, matrix& x,
                      std::vector<std::int32_t>& y) {
        x.resize(t.features.rows(), static_cast<Eigen::Index>(rows.size()));
        y.resize(rows.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            x.col(static_cast<Eigen::Index>(i)) = t.features.col(rows[i]);
            y[i] = index[t.labels[static_cast<std::size_t>(rows[i])]];
        }
    };
    gather(train_rows, d.train_x, d.train_y);
    gather(val_rows, d.val_x, d.val_y);

    if (o.standardize) {
        // Statistics from the train set only, so validation stays unseen. In double: sums of
        // thousands of floats lose digits.
        Eigen::MatrixXd x = d.train_x.cast<double>();
        Eigen::VectorXd mean = x.rowwise().mean();
        Eigen::VectorXd sd =
            ((x.colwise() - mean).array().square().rowwise().mean()).sqrt().matrix();
        // A constant feature (e.g. an always-blank pixel) is only centred.
        for (Eigen::Index i = 0; i < sd.size(); ++i)
            if (!(sd[i] > 1e-12)) sd[i] = 1;
        const vector m = mean.cast<float>();
        const vector inv = sd.cwiseInverse().cast<float>();
        d.train_x = (d.train_x.colwise() - m).array().colwise() * inv.array();
        d.val_x = (d.val_x.colwise() - m).array().colwise() * inv.array();
    }
    d.fingerprint = fingerprint_of(d);
    return d;
}

}  // namespace caviar::mlp
