// How a point of the unit cube becomes the feature vector the kernel compares.
//
// Every dimension that can take more than one value owns one length scale and one or more
// features, so the kernel's distance is a sum over dimensions of (feature distance / length)^2:
// - a numeric dimension (float, int, stepped float) is its unit coordinate; ints and steps
//   arrive already at their cell's centre (see snap), so the model sees only values that exist;
// - a categorical one is one-hot, scaled so two different choices are at distance 1;
// - a conditional dimension must not be imputed as a value that means something when inactive:
//   active, a numeric coordinate u sits on the unit arc at (cos u, sin u), and inactive at the
//   origin, at distance 1 from every active value (a choice's one-hot is at 1/sqrt(2) from the
//   zero vector of an inactive one). Two active points are 2 sin(|du| / 2) apart, within 4% of
//   |du|. This is the arc kernel of Swersky et al. (2014) in its simplest form.
#pragma once

#include <caviar/space.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace caviar::gp {

class encoding {
public:
    encoding() = default;
    explicit encoding(const space& s);

    /// Number of length scales (dimensions with more than one value) and of features.
    std::size_t scales() const { return scales_; }
    std::size_t features() const { return scale_of_.size(); }
    /// The length scale feature f is divided by.
    std::size_t scale_of(std::size_t f) const { return scale_of_[f]; }

    /// Features of a unit point (one coordinate per space dimension, NaN when inactive).
    void encode(std::span<const double> unit, double* out) const;

private:
    enum class kind { numeric, arc, choices };
    struct part {
        std::size_t dim;    // index in the space
        std::size_t first;  // first feature
        kind how;
        std::int64_t count;  // choices
    };
    std::vector<part> parts_;
    std::vector<std::size_t> scale_of_;
    std::size_t scales_ = 0;
};

/// u moved onto a value the space can take: ints, steps and choices at their cell's centre,
/// dimensions made inactive by their parent's value set to NaN, active ones with a NaN
/// coordinate given `fill`. Snapping inside the acquisition lets it compare only real values.
void snap(const space& s, std::vector<double>& u, double fill = 0.5);

}  // namespace caviar::gp
