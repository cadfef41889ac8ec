// Checks one convolution direction of the C API against the naive reference: task ranges of plans cut
// for 1, 2 and 3 parts run in shuffled order into NaN-filled outputs (an unwritten value shows); random
// data must stay within the conformance suite's 4 (n + 1) u sum |term| (n: the output's products, plus
// its bias), small-integer data must come out exactly. Shared by the suites of the specialised paths.
#ifndef CONV4J_TEST_CONV_CHECK_H
#define CONV4J_TEST_CONV_CHECK_H

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "reference.h"

namespace t4j {

// Whether the path under test runs for this descriptor cut into `parts` (empty: not checked).
using PathCheck = std::function<bool(const std::vector<int32_t> &desc, int parts)>;

std::vector<float> small_ints(std::mt19937 &rng, int64_t n);

// Forward with and without bias.
void check_conv_forward(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name, const PathCheck &path);
void check_conv_backward_data(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name,
                              const PathCheck &path);
// same_for_any_parts: also demand bit-identical results for every part count where conv4j's AVX-512
// kernels run (paths that sum each weight in one fixed order).
void check_conv_backward_weights(std::mt19937 &rng, const Conv &c, bool ints, const std::string &name,
                                 const PathCheck &path, bool same_for_any_parts);

}  // namespace t4j

#endif
