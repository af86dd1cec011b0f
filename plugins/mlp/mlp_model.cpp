// The mlp model plugin: a multi-layer perceptron classifier trained on a CSV table.
#include "csv.hpp"
#include "dataset.hpp"
#include "hyperparams.hpp"
#include "mlp_run.hpp"

#include <caviar/plugin.hpp>

#include <caviar/errors.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace caviar::mlp {

class mlp_model : public caviar::model {
public:
    static caviar::plugin_info info() {
        using caviar::option_type;
        return {
            .name = "mlp",
            .version = "1.0.0",
            .summary =
                "Multi-layer perceptron classifier (momentum SGD or Adam) on a CSV or CSV.gz table",
            .options = {
                {.name = "data",
                 .type = option_type::path,
                 .help = "CSV file, optionally gzip-compressed: numeric features, then an "
                         "integer class label in the last column"},
                {.name = "epochs",
                 .type = option_type::integer,
                 .default_value = std::int64_t{20},
                 .help = "epochs per trial (one step = one epoch)",
                 .min = 1},
                {.name = "batch_size",
                 .type = option_type::integer,
                 .default_value = std::int64_t{32},
                 .help = "mini-batch size, unless the param batch_size sets it",
                 .min = 1},
                {.name = "validation",
                 .type = option_type::real,
                 .default_value = 0.2,
                 .help = "fraction of the rows held out for validation (per class)",
                 .min = 0.05,
                 .max = 0.9},
                {.name = "split_seed",
                 .type = option_type::integer,
                 .default_value = std::int64_t{0},
                 .help = "seed of the train/validation split, the same for every trial",
                 .min = 0},
                {.name = "standardize",
                 .type = option_type::boolean,
                 .default_value = true,
                 .help = "scale each feature by the train set's mean and standard deviation"},
            }};
    }

    explicit mlp_model(const caviar::options& o)
        : epochs_(o.get_int("epochs")),
          batch_size_(o.get_int("batch_size")),
          file_(o.get_string("data")),
          split_{.validation = o.get_real("validation"),
                 .seed = static_cast<std::uint64_t>(o.get_int("split_seed")),
                 .standardize = o.get_bool("standardize")} {}

    // The data first: a file that cannot be read is the model's most basic complaint.
    void prepare(const caviar::space& s) override {
        data();
        check_space(s);
    }

    // Thread-safe: reads only immutable members; the data is shared, never copied.
    std::unique_ptr<caviar::run> start(const caviar::params& p, std::uint64_t seed) const override {
        return std::make_unique<mlp_run>(data(), read_hyperparams(p, batch_size_), epochs_, seed);
    }

    std::int64_t max_steps() const override { return epochs_; }
    std::vector<std::string> metric_names() const override {
        return {"val_accuracy", "val_loss", "train_loss"};
    }
    caviar::model_capabilities capabilities() const override {
        return {caviar::capability::checkpoints, caviar::capability::update};
    }
    std::vector<std::string> architecture() const override {
        return {architecture_names.begin(), architecture_names.end()};
    }

private:
    // Read and split once, when first needed: in prepare, before any trial. Not in the
    // constructor, so that the host's other checks (the objective metric among them) run in
    // the same pass as a data file that is missing, and that error points at `data =`.
    const std::shared_ptr<const dataset>& data() const {
        std::call_once(loaded_, [this] {
            try {
                data_ = std::make_shared<const dataset>(split(read_csv(file_), split_, file_));
            } catch (const std::invalid_argument& e) {
                throw caviar::option_error("data", e.what());
            }
        });
        return data_;
    }

    std::int64_t epochs_;
    std::int64_t batch_size_;
    std::string file_;
    split_options split_;
    mutable std::once_flag loaded_;
    mutable std::shared_ptr<const dataset> data_;
};

}  // namespace caviar::mlp

CAVIAR_PLUGIN(caviar::mlp::mlp_model)
