// A labelled table of numeric features, read from CSV (plain or gzip), split once into train and
// validation sets. Built by the model, then shared read-only by every run.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace caviar::mlp {

/// Examples are columns: features x examples, so a mini-batch is a set of columns.
using matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using vector = Eigen::Matrix<float, Eigen::Dynamic, 1>;

/// The rows of a CSV file, before splitting.
struct table {
    matrix features;                   // features x rows
    std::vector<std::int64_t> labels;  // the last column, one per row
};

struct split_options {
    double validation = 0.2;  // fraction of the rows held out
    std::uint64_t seed = 0;   // the split is a function of this seed only
    bool standardize = true;  // scale features by the train set's mean and deviation
};

struct dataset {
    matrix train_x;                     // features x train rows
    std::vector<std::int32_t> train_y;  // class index in [0, classes)
    matrix val_x;
    std::vector<std::int32_t> val_y;
    std::vector<std::int64_t> class_labels;  // class index -> label as written in the file
    /// Hash of both sets' contents: a checkpoint is only loaded into a run on the same data.
    std::uint64_t fingerprint = 0;
    std::int64_t features() const { return train_x.rows(); }
    std::int64_t classes() const { return static_cast<std::int64_t>(class_labels.size()); }
};

/// Splits a table per class (stratified), so that every class keeps its share of rows in both
/// sets. Throws std::invalid_argument, naming source, for fewer than 2 classes or a set that
/// would be empty.
dataset split(table t, const split_options& o, const std::string& source);

}  // namespace caviar::mlp
